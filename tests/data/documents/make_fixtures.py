#!/usr/bin/env python3
"""Regenerates the small synthetic fixtures of the documents tests (hostile and edge-case files
that no real corpus has). Run from this directory: python3 make_fixtures.py"""
import zipfile

CONTAINER = b'''<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>'''


def opf(items, spine, toc_attr='ncx', title='Fixture', lang='en'):
    manifest = ''.join(f'<item id="{i}" href="{h}" media-type="{t}"{p}/>' for i, h, t, p in items)
    refs = ''.join(f'<itemref idref="{s}"/>' for s in spine)
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="id">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">x</dc:identifier>
<dc:title>{title}</dc:title><dc:creator>Test Author</dc:creator><dc:language>{lang}</dc:language></metadata>
<manifest>{manifest}</manifest><spine toc="{toc_attr}">{refs}</spine></package>'''.encode()


def xhtml(body, head=''):
    return f'''<?xml version="1.0" encoding="UTF-8"?>{head}
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head><body>{body}</body></html>'''.encode()


def epub(path, files):
    with zipfile.ZipFile(path, 'w') as z:
        z.writestr(zipfile.ZipInfo('mimetype'), 'application/epub+zip', compress_type=zipfile.ZIP_STORED)
        z.writestr('META-INF/container.xml', CONTAINER, compress_type=zipfile.ZIP_DEFLATED)
        for name, data in files.items():
            z.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)


NCX = b'''<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><navMap>
<navPoint id="p1"><navLabel><text>Chapter One</text></navLabel><content src="ch1.xhtml"/>
  <navPoint id="p2"><navLabel><text>The Garden</text></navLabel><content src="ch1.xhtml#garden"/></navPoint>
</navPoint>
<navPoint id="p3"><navLabel><text>Chapter Two</text></navLabel><content src="ch2.xhtml"/></navPoint>
</navMap></ncx>'''

# Drop caps (span and image), inline markup, an RTL paragraph, an NCX-only TOC with a fragment.
epub('dropcap.epub', {
    'OEBPS/content.opf': opf([('ncx', 'toc.ncx', 'application/x-dtbncx+xml', ''),
                              ('c1', 'ch1.xhtml', 'application/xhtml+xml', ''),
                              ('c2', 'ch2.xhtml', 'application/xhtml+xml', '')], ['c1', 'c2']),
    'OEBPS/toc.ncx': NCX,
    'OEBPS/ch1.xhtml': xhtml('<h1>Chapter One</h1><p><span class="dropcap">T</span>he quick <i>brown</i> fox '
                             'jum<b>ped</b> over the lazy dog.</p><p><img class="initial" src="o.png" alt="O"/>nce '
                             'upon a time.</p><h2 id="garden">The Garden</h2><p>Roses\n   and\tlilies.</p>'),
    'OEBPS/ch2.xhtml': xhtml('<h1>Chapter Two</h1><p dir="rtl" lang="ar">\u0645\u0631\u062d\u0628\u0627 '
                             '\u0628\u0627\u0644\u0639\u0627\u0644\u0645</p><p>Line one<br/>line two</p>'),
})

# Hrefs that climb out of the archive or point to the network; one legitimate chapter.
epub('traversal.epub', {
    'OEBPS/content.opf': opf([('ncx', 'toc.ncx', 'application/x-dtbncx+xml', ''),
                              ('evil1', '../../../../etc/passwd', 'application/xhtml+xml', ''),
                              ('evil2', 'http://example.invalid/x.xhtml', 'application/xhtml+xml', ''),
                              ('evil3', '/../../etc/hostname', 'application/xhtml+xml', ''),
                              ('c1', 'ch1.xhtml', 'application/xhtml+xml', '')], ['evil1', 'evil2', 'evil3', 'c1']),
    'OEBPS/toc.ncx': NCX,
    'OEBPS/ch1.xhtml': xhtml('<p>Only this text is inside the archive.</p>'),
})

# XML external entity and a billion-laughs bomb in content documents.
xxe_head = '<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
lol = '<!DOCTYPE html [<!ENTITY a "lollollollollollollollollollol">' + ''.join(
    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + ']>'
epub('xxe.epub', {
    'OEBPS/content.opf': opf([('c1', 'ch1.xhtml', 'application/xhtml+xml', ''),
                              ('c2', 'ch2.xhtml', 'application/xhtml+xml', '')], ['c1', 'c2'], toc_attr=''),
    'OEBPS/ch1.xhtml': xhtml('<p>Secret: [&xxe;]</p><p>Safe paragraph.</p>', xxe_head),
    'OEBPS/ch2.xhtml': xhtml('<p>Laughs: &j;</p><p>Still here.</p>', lol),
})

# A zip bomb: 64 MiB of zeros in one content document (compresses about 1000:1).
with zipfile.ZipFile('zipbomb.epub', 'w') as z:
    z.writestr(zipfile.ZipInfo('mimetype'), 'application/epub+zip', compress_type=zipfile.ZIP_STORED)
    z.writestr('META-INF/container.xml', CONTAINER, compress_type=zipfile.ZIP_DEFLATED)
    z.writestr('OEBPS/content.opf', opf([('c1', 'ch1.xhtml', 'application/xhtml+xml', '')], ['c1'], toc_attr=''),
               compress_type=zipfile.ZIP_DEFLATED)
    z.writestr('OEBPS/ch1.xhtml', b'<p>' + b'\0' * (64 << 20), compress_type=zipfile.ZIP_DEFLATED,
               compresslevel=9)

# A PDF whose page tree is broken ("Top-level pages object is wrong type"), like the corpus's
# unreadablemetadata_damaged-xref.pdf but 400 bytes.
objs = [b'<< /Type /Catalog /Pages 2 0 R >>', b'42', b'<< /Title (Broken) >>']
out = bytearray(b'%PDF-1.4\n')
offsets = []
for n, body in enumerate(objs, 1):
    offsets.append(len(out))
    out += b'%d 0 obj\n' % n + body + b'\nendobj\n'
xref = len(out)
out += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objs) + 1)
for off in offsets:
    out += b'%010d 00000 n \n' % off
out += b'trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (len(objs) + 1, xref)
open('damaged-pagetree.pdf', 'wb').write(bytes(out))
