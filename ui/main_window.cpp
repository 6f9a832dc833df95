#include "main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>
#include <QStyle>
#include <QTimer>
#include <QToolBar>
#include <QUrl>

#include <algorithm>

#include "annotation_model.h"
#include "annotations_panel.h"
#include "app_settings.h"
#include "ask_panel.h"
#include "document_loader.h"
#include "evidence_model.h"
#include "evidence_panel.h"
#include "find_bar.h"
#include "gleaner_version.h"
#include "inference_thread.h"
#include "library_model.h"
#include "library_view.h"
#include "model_paths.h"
#include "ocr_bar.h"
#include "ocr_worker.h"
#include "page_spin_box.h"
#include "pdf_page_renderer.h"
#include "question_controller.h"
#include "reader_view.h"
#include "reading_controller.h"
#include "reading_progress_widget.h"
#include "reflow_text_view.h"
#include "settings_dialog.h"
#include "toc_model.h"
#include "thumbnail_model.h"
#include "thumbnails_panel.h"
#include "toc_view.h"

namespace gleaner::ui {

namespace {
const char* kOpenFilter = QT_TRANSLATE_NOOP("gleaner::ui::MainWindow",
                                            "Books and documents (*.pdf *.epub *.txt *.md *.markdown *.html *.htm);;"
                                            "All files (*)");

QIcon themeIcon(const char* name, QStyle::StandardPixmap fallback) {
    return QIcon::fromTheme(QString::fromLatin1(name), QApplication::style()->standardIcon(fallback));
}

QString titleOf(const app::LoadedDocument& d) {
    const std::string& t = d.document->metadata.title;
    return t.empty() ? QFileInfo(d.path).completeBaseName() : QString::fromStdString(t);
}
}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName(QStringLiteral("MainWindow"));
    setWindowTitle(tr("Gleaner"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/gleaner.svg")));
    setAcceptDrops(true);
    setDockOptions(AnimatedDocks | AllowTabbedDocks | AllowNestedDocks);

    library_ = new app::LibraryModel(QString::fromStdString(library_path()), QString::fromStdString(reading_memory_root()), this);
    loader_ = new app::DocumentLoader(app::DocumentLoader::Policy::LatestOnly, this);
    library_adder_ = new app::DocumentLoader(app::DocumentLoader::Policy::EveryResult, this);
    inference_ = new app::InferenceThread(this);
    reading_ = new app::ReadingController(library_, inference_, this);
    questions_ = new app::QuestionController(library_, inference_, reading_, this);
    toc_model_ = new app::TocModel(this);
    ocr_ = new app::OcrWorker(this);

    reader_ = new ReaderView(this);
    reader_->setEvidenceModel(questions_->evidence());
    reader_->setComparisonModel(questions_->comparison());
    setCentralWidget(reader_);
    ocr_bar_ = new OcrBar(reader_);
    reader_->addTopBar(ocr_bar_);

    position_timer_ = new QTimer(this);
    position_timer_->setSingleShot(true);
    position_timer_->setInterval(1500);  // save the reading position once scrolling rests
    connect(position_timer_, &QTimer::timeout, this, &MainWindow::saveReadingPosition);

    buildDocks();
    buildActions();
    buildAnnotations();
    buildStatusBar();
    connectModels();
    connectOcr();
    resize(1440, 900);
    restoreWindowState();
    refreshModelStatus();
    updateDocumentActions();
    updateHistoryActions();

    if (!library_->openError().isEmpty()) {
        QTimer::singleShot(0, this, [this] {
            showError(tr("The library could not be opened; changes will not be saved this time."),
                      library_->openError());
        });
    }
}

MainWindow::~MainWindow() {
    // Children are destroyed after this body; their last signals must not reach a half-destroyed
    // window.
    disconnect(reader_, nullptr, this, nullptr);
}

QDockWidget* MainWindow::addDock(const QString& title, const QString& name, QWidget* content, Qt::DockWidgetArea area) {
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(name);  // saveState() keys the layout by it
    dock->setWidget(content);
    addDockWidget(area, dock);
    return dock;
}

void MainWindow::buildDocks() {
    library_view_ = new LibraryView(library_, this);
    library_dock_ = addDock(tr("Library"), QStringLiteral("libraryDock"), library_view_, Qt::LeftDockWidgetArea);

    toc_view_ = new TocView(toc_model_, this);
    toc_dock_ = addDock(tr("Contents"), QStringLiteral("tocDock"), toc_view_, Qt::LeftDockWidgetArea);
    tabifyDockWidget(library_dock_, toc_dock_);
    library_dock_->raise();

    ask_panel_ = new AskPanel(questions_, this);
    ask_panel_->setReaderPlace({[this] { return reader_->currentOffset(); }, [this] { return reader_->selectedRange(); }});
    ask_dock_ = addDock(tr("Ask"), QStringLiteral("askDock"), ask_panel_, Qt::RightDockWidgetArea);

    evidence_panel_ = new EvidencePanel(questions_->evidence(), questions_->comparison(), this);
    evidence_dock_ = addDock(tr("Evidence"), QStringLiteral("evidenceDock"), evidence_panel_, Qt::RightDockWidgetArea);
    splitDockWidget(ask_dock_, evidence_dock_, Qt::Vertical);

    // Thumbnails: a tab beside Contents, rendered only for the rows in view (ThumbnailModel).
    thumbnail_model_ = new app::ThumbnailModel(this);
    thumbnails_panel_ = new ThumbnailsPanel(thumbnail_model_, this);
    thumbnails_dock_ = addDock(tr("Thumbnails"), QStringLiteral("thumbnailsDock"), thumbnails_panel_, Qt::LeftDockWidgetArea);
    tabifyDockWidget(toc_dock_, thumbnails_dock_);
    library_dock_->raise();

    resizeDocks({library_dock_, ask_dock_}, {270, 400}, Qt::Horizontal);
    resizeDocks({ask_dock_, evidence_dock_}, {560, 300}, Qt::Vertical);
}

void MainWindow::buildActions() {
    auto action = [this](const QString& name, const QString& text, const QIcon& icon, const QKeySequence& key,
                         auto slot) {
        auto* a = new QAction(icon, text, this);
        a->setObjectName(name);
        if (!key.isEmpty()) a->setShortcut(key);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };

    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = action("actionOpen", tr("&Open…"), themeIcon("document-open", QStyle::SP_DialogOpenButton),
                           QKeySequence::Open, [this] { chooseDocuments(true); });
    open->setToolTip(tr("Open a book or a PDF (Ctrl+O)"));
    file->addAction(open);
    file->addAction(action("actionAddToLibrary", tr("&Add to Library…"), QIcon::fromTheme("list-add"),
                           QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), [this] { chooseDocuments(false); }));
    QAction* exportAction = action("actionExport", tr("&Export Questions and Notes…"), QIcon::fromTheme("document-save-as"),
                                   QKeySequence(Qt::CTRL | Qt::Key_E), [this] { ask_panel_->exportWithDialog(); });
    file->addAction(exportAction);
    file->addSeparator();
    QAction* close = action("actionCloseDocument", tr("&Close Document"), QIcon::fromTheme("document-close"),
                            QKeySequence::Close, [this] { closeDocument(); });
    file->addAction(close);
    file->addAction(action("actionQuit", tr("&Quit"), QIcon::fromTheme("application-exit"), QKeySequence::Quit,
                           [this] { this->close(); }));

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* copy = action("actionCopyAnswer", tr("&Copy Answer as Markdown"), QIcon::fromTheme("edit-copy"),
                           QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), [this] { ask_panel_->copyAnswer(); });
    edit->addAction(copy);
    edit->addSeparator();
    QAction* find = action("actionFind", tr("&Find…"), QIcon::fromTheme("edit-find"), QKeySequence::Find,
                           [this] { reader_->activateFind(); });
    QAction* findNext = action("actionFindNext", tr("Find &Next"), QIcon::fromTheme("go-down-search"),
                               QKeySequence::FindNext, [this] { reader_->findNext(); });
    QAction* findPrevious = action("actionFindPrevious", tr("Find &Previous"), QIcon::fromTheme("go-up-search"),
                                   QKeySequence::FindPrevious, [this] { reader_->findPrevious(); });
    edit->addActions({find, findNext, findPrevious});

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* zoomIn = action("actionZoomIn", tr("Zoom &In"), themeIcon("zoom-in", QStyle::SP_ArrowUp),
                             QKeySequence::ZoomIn, [this] { reader_->zoomIn(); });
    QAction* zoomOut = action("actionZoomOut", tr("Zoom &Out"), themeIcon("zoom-out", QStyle::SP_ArrowDown),
                              QKeySequence::ZoomOut, [this] { reader_->zoomOut(); });
    zoomIn->setShortcuts(QKeySequence::keyBindings(QKeySequence::ZoomIn) << QKeySequence(Qt::CTRL | Qt::Key_Equal));  // "+" is Shift+= on many keyboards
    QAction* fitWidth = action("actionFitWidth", tr("Fit &Width"), QIcon::fromTheme("zoom-fit-width"),
                               QKeySequence(Qt::CTRL | Qt::Key_0), [this] { reader_->setZoomMode(ZoomMode::FitWidth); });
    QAction* fitPage = action("actionFitPage", tr("Fit &Page"), QIcon::fromTheme("zoom-fit-best"),
                              QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_0),
                              [this] { reader_->setZoomMode(ZoomMode::FitPage); });
    view->addActions({zoomIn, zoomOut, fitWidth, fitPage});
    // Reflowed text: Ctrl+0 back to the default size (where pages have Fit Width), a column width.
    QAction* defaultTextSize = action("actionDefaultTextSize", tr("&Default Text Size"), QIcon::fromTheme("zoom-original"),
                                      QKeySequence(Qt::CTRL | Qt::Key_0), [this] { reader_->setTextPointSize(0); });
    view->addAction(defaultTextSize);
    QMenu* textWidth = view->addMenu(tr("Text &Width"));
    textWidth->setObjectName(QStringLiteral("menuTextWidth"));
    auto* widthGroup = new QActionGroup(this);
    const std::pair<const char*, int> widths[] = {{QT_TR_NOOP("&Narrow (60 characters)"), 60},
                                                  {QT_TR_NOOP("&Medium (75 characters)"), 75},
                                                  {QT_TR_NOOP("&Wide (100 characters)"), 100},
                                                  {QT_TR_NOOP("&Full Width"), 0}};
    const char* widthNames[] = {"actionTextWidthNarrow", "actionTextWidthMedium", "actionTextWidthWide", "actionTextWidthFull"};
    for (size_t i = 0; i < std::size(widths); ++i) {
        const int chars = widths[i].second;
        QAction* a = action(widthNames[i], tr(widths[i].first), QIcon(), QKeySequence(), [this, chars] {
            reader_->setTextWidth(chars);
            app::AppSettings().setReflowTextWidth(chars);
        });
        a->setCheckable(true);
        a->setData(chars);
        widthGroup->addAction(a);
        textWidth->addAction(a);
    }
    QMenu* pageColours = view->addMenu(tr("Page &Colours"));
    pageColours->setObjectName(QStringLiteral("menuPageColours"));
    auto* coloursGroup = new QActionGroup(this);
    const std::pair<const char*, app::PageColours> schemes[] = {{QT_TR_NOOP("&Normal"), app::PageColours::Normal},
                                                                {QT_TR_NOOP("N&ight (Inverted)"), app::PageColours::Night},
                                                                {QT_TR_NOOP("&Sepia"), app::PageColours::Sepia}};
    const char* schemeNames[] = {"actionPageColoursNormal", "actionPageColoursNight", "actionPageColoursSepia"};
    for (size_t i = 0; i < std::size(schemes); ++i) {
        const app::PageColours colours = schemes[i].second;
        QAction* a = action(schemeNames[i], tr(schemes[i].first), QIcon(), QKeySequence(), [this, colours] {
            reader_->setPageColours(colours);
            app::AppSettings().setPageColours(app::pageColoursName(colours));
        });
        a->setCheckable(true);
        a->setData(app::pageColoursName(colours));
        coloursGroup->addAction(a);
        pageColours->addAction(a);
    }
    view->addSeparator();
    for (QDockWidget* dock : {library_dock_, toc_dock_, thumbnails_dock_, ask_dock_, evidence_dock_}) view->addAction(dock->toggleViewAction());
    QAction* fullScreen = action("actionFullScreen", tr("&Full Screen"), QIcon::fromTheme("view-fullscreen"),
                                 QKeySequence::FullScreen, [this] { setWindowState(windowState() ^ Qt::WindowFullScreen); });
    view->addSeparator();
    view->addAction(fullScreen);

    QMenu* go = menuBar()->addMenu(tr("&Go"));
    // Back / Forward over every jump the reader records (ReaderView::recordJump); Backspace in
    // the reader goes back too (ReaderView).
    back_action_ = action("actionBack", tr("&Back"), themeIcon("go-previous-view", QStyle::SP_ArrowBack),
                          QKeySequence(Qt::ALT | Qt::Key_Left), [this] { reader_->goBack(); });
    back_action_->setToolTip(tr("Back to where you were before the last jump (Alt+Left)"));
    forward_action_ = action("actionForward", tr("F&orward"), themeIcon("go-next-view", QStyle::SP_ArrowForward),
                             QKeySequence(Qt::ALT | Qt::Key_Right), [this] { reader_->goForward(); });
    forward_action_->setToolTip(tr("Forward again (Alt+Right)"));
    go->addActions({back_action_, forward_action_});
    go->addSeparator();
    QAction* previousPage = action("actionPreviousPage", tr("&Previous Page"), themeIcon("go-previous", QStyle::SP_ArrowLeft),
                                   QKeySequence(Qt::CTRL | Qt::Key_PageUp),
                                   [this] { reader_->stepPage(-1); });
    QAction* nextPage = action("actionNextPage", tr("&Next Page"), themeIcon("go-next", QStyle::SP_ArrowRight),
                               QKeySequence(Qt::CTRL | Qt::Key_PageDown),
                               [this] { reader_->stepPage(+1); });
    QAction* firstPage = action("actionFirstPage", tr("&First Page"), QIcon::fromTheme("go-first"),
                                QKeySequence(Qt::CTRL | Qt::Key_Home), [this] { reader_->goToPage(0); });
    QAction* lastPage = action("actionLastPage", tr("&Last Page"), QIcon::fromTheme("go-last"),
                               QKeySequence(Qt::CTRL | Qt::Key_End), [this] { reader_->goToPage(reader_->pageCount() - 1); });
    QAction* goToPage = action("actionGoToPage", tr("&Go to Page…"), QIcon::fromTheme("go-jump"),
                               QKeySequence(Qt::CTRL | Qt::Key_G), [this] {
                                   page_spin_->setFocus(Qt::ShortcutFocusReason);
                                   page_spin_->selectAll();
                               });
    go->addActions({previousPage, nextPage, firstPage, lastPage, goToPage});

    QMenu* ask = menuBar()->addMenu(tr("&Ask"));
    QAction* askQuestion = action("actionAsk", tr("&Ask a Question"), QIcon::fromTheme("help-contextual"),
                                  QKeySequence(Qt::CTRL | Qt::Key_L), [this] {
                                      ask_dock_->show();
                                      ask_dock_->raise();
                                      ask_panel_->focusQuestion();
                                  });
    QAction* stop = action("actionStop", tr("&Stop Answering"), QIcon::fromTheme("process-stop"), QKeySequence(),
                           [this] { questions_->stop(); });
    ask->addActions({askQuestion, stop});
    ask->addSeparator();
    ocr_action_ = action("actionMakeAskable", tr("Make Askable (&OCR)…"), QIcon::fromTheme("scanner"), QKeySequence(),
                         [this] { makeAskable(); });
    ocr_action_->setToolTip(tr("Recognise the text of a scanned PDF's pages (tesseract)"));
    ask->addAction(ocr_action_);
    connect(questions_, &app::QuestionController::busyChanged, stop, &QAction::setEnabled);
    stop->setEnabled(false);

    QMenu* settings = menuBar()->addMenu(tr("&Settings"));
    QAction* configure = action("actionSettings", tr("&Configure Gleaner…"), themeIcon("configure", QStyle::SP_FileDialogDetailedView),
                                QKeySequence::Preferences, [this] { showSettings(); });
    if (configure->shortcut().isEmpty()) configure->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    settings->addAction(configure);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(action("actionAbout", tr("&About Gleaner"), QIcon::fromTheme("help-about"), QKeySequence(),
                           [this] { showAbout(); }));
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);

    auto* bar = addToolBar(tr("Main Toolbar"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->addAction(open);
    bar->addSeparator();
    bar->addActions({back_action_, forward_action_});
    bar->addSeparator();
    bar->addAction(previousPage);
    page_spin_ = new PageSpinBox(bar);
    page_spin_->setObjectName(QStringLiteral("pageSpin"));
    page_spin_->setKeyboardTracking(false);
    page_spin_->setAccessibleName(tr("Page"));
    page_spin_->setToolTip(tr("Go to page (Ctrl+G)"));
    page_spin_->setButtonSymbols(QAbstractSpinBox::NoButtons);
    page_spin_->setAlignment(Qt::AlignRight);
    page_spin_->setMinimumWidth(56);
    page_spin_->setSpecialValueText(QStringLiteral("–"));  // shown while there are no pages (range 0..0)
    bar->addWidget(page_spin_);
    page_count_label_ = new QLabel(bar);
    page_count_label_->setObjectName(QStringLiteral("pageCountLabel"));
    page_count_label_->setContentsMargins(4, 0, 4, 0);
    bar->addWidget(page_count_label_);
    bar->addAction(nextPage);
    bar->addSeparator();
    bar->addAction(zoomOut);
    zoom_combo_ = new QComboBox(bar);
    zoom_combo_->setObjectName(QStringLiteral("zoomCombo"));
    zoom_combo_->setAccessibleName(tr("Zoom"));
    zoom_combo_->addItem(tr("Fit Width"), -1.0);
    zoom_combo_->addItem(tr("Fit Page"), -2.0);
    for (double z : PdfPageView::zoomSteps()) zoom_combo_->addItem(QStringLiteral("%1%").arg(qRound(z * 100)), z);
    zoom_combo_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    zoom_combo_action_ = bar->addWidget(zoom_combo_);
    // In its place while a reflowed document is shown: the text's size.
    text_size_combo_ = new QComboBox(bar);
    text_size_combo_->setObjectName(QStringLiteral("textSizeCombo"));
    text_size_combo_->setAccessibleName(tr("Text size"));
    text_size_combo_->setToolTip(tr("Text size (Ctrl++, Ctrl+-, Ctrl+0)"));
    for (int pt : {8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 22, 24, 28, 32, 36, 40, 48})
        text_size_combo_->addItem(tr("%1 pt").arg(pt), double(pt));
    text_size_combo_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    text_size_action_ = bar->addWidget(text_size_combo_);
    text_size_action_->setVisible(false);
    bar->addAction(zoomIn);
    bar->addSeparator();
    bar->addAction(find);
    auto* spacer = new QWidget(bar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);
    bar->addAction(askQuestion);
    bar->addAction(configure);
    bar->setToolButtonStyle(Qt::ToolButtonIconOnly);

    connect(page_spin_, &QSpinBox::valueChanged, this, [this](int page) {
        if (reader_->isPaginated() && page - 1 != reader_->currentPage()) reader_->goToPage(page - 1);
    });
    connect(zoom_combo_, &QComboBox::activated, this, [this](int index) {
        const double z = zoom_combo_->itemData(index).toDouble();
        if (z == -1.0) reader_->setZoomMode(ZoomMode::FitWidth);
        else if (z == -2.0) reader_->setZoomMode(ZoomMode::FitPage);
        else reader_->setZoom(z);
        reader_->setFocus();
    });
    connect(text_size_combo_, &QComboBox::activated, this, [this](int index) {
        reader_->setTextPointSize(text_size_combo_->itemData(index).toDouble());
        reader_->setFocus();
    });
    connect(reader_->textView(), &ReflowTextView::textSizeChanged, this, [](double points) {
        app::AppSettings().setReflowTextSize(points == ReflowTextView::defaultTextPointSize() ? 0 : points);
    });
    text_actions_ = {defaultTextSize, textWidth->menuAction()};

    document_actions_ = {exportAction, close, copy, find, findNext, findPrevious, zoomIn, zoomOut, askQuestion};
    page_actions_ = {fitWidth, fitPage, previousPage, nextPage, firstPage, lastPage, goToPage};
}

void MainWindow::buildAnnotations() {
    annotations_ = new app::AnnotationModel(library_->store(), this);
    annotations_panel_ = new AnnotationsPanel(annotations_, this);
    annotations_dock_ = addDock(tr("Annotations"), QStringLiteral("annotationsDock"), annotations_panel_, Qt::LeftDockWidgetArea);
    tabifyDockWidget(toc_dock_, annotations_dock_);
    library_dock_->raise();
    auto showDock = [this] {
        annotations_dock_->show();
        annotations_dock_->raise();
    };

    // Before the Ask menu, where a reader looks for it (Okular: Bookmarks beside Go).
    auto* menu = new QMenu(tr("&Bookmarks"), this);
    const QList<QAction*> menus = menuBar()->actions();
    menuBar()->insertMenu(menus.size() > 4 ? menus[4] : nullptr, menu);
    auto* bookmark = menu->addAction(QIcon::fromTheme(QStringLiteral("bookmark-new")), tr("Add &Bookmark"));
    bookmark->setObjectName(QStringLiteral("actionAddBookmark"));
    bookmark->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    connect(bookmark, &QAction::triggered, this, [this, showDock] {
        showDock();
        annotations_panel_->addBookmark(reader_->currentOffset(), reader_->currentPage());
    });
    auto* highlight = menu->addAction(QIcon::fromTheme(QStringLiteral("format-text-highlight")), tr("&Highlight Selection…"));
    highlight->setObjectName(QStringLiteral("actionHighlightSelection"));
    highlight->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_H));
    connect(highlight, &QAction::triggered, this, [this, showDock] {
        showDock();
        annotations_panel_->highlight(reader_->selectedRange());
    });
    connect(reader_, &ReaderView::highlightRequested, highlight, &QAction::trigger);  // the selection's menu
    menu->addSeparator();
    menu->addAction(annotations_dock_->toggleViewAction());
    document_actions_ << bookmark << highlight;

    connect(annotations_, &app::AnnotationModel::highlightsChanged, this,
            [this] { reader_->setUserHighlights(annotations_->highlightRanges()); });
    connect(annotations_panel_, &AnnotationsPanel::placeActivated, this, &MainWindow::showAnnotatedPlace);
    connect(annotations_panel_, &AnnotationsPanel::message, this, [this](const QString& m) { statusBar()->showMessage(m, 6000); });
    ask_panel_->setAnnotations(annotations_);
}

void MainWindow::showAnnotatedPlace(TextRange range, int page) {
    if (!range.empty()) return reader_->showPassage(range);
    if (page >= 0 && reader_->isPaginated()) return reader_->goToPage(page);
    reader_->goToOffset(range.begin);
}

void MainWindow::buildStatusBar() {
    progress_ = new ReadingProgressWidget(this);
    statusBar()->addPermanentWidget(progress_);
    position_label_ = new QLabel(this);
    position_label_->setObjectName(QStringLiteral("positionLabel"));
    statusBar()->addPermanentWidget(position_label_);
    model_label_ = new QLabel(this);
    model_label_->setObjectName(QStringLiteral("modelLabel"));
    model_label_->setTextFormat(Qt::PlainText);
    statusBar()->addPermanentWidget(model_label_);
    // The buttons act on what the bar shows: the answer while one is generated, else the reading.
    connect(progress_, &ReadingProgressWidget::cancelRequested, this, [this] {
        if (questions_->isBusy()) questions_->stop();
        else reading_->cancel();
    });
    connect(progress_, &ReadingProgressWidget::pauseRequested, reading_, &app::ReadingController::pause);
    connect(progress_, &ReadingProgressWidget::resumeRequested, reading_, &app::ReadingController::resume);
}

void MainWindow::connectModels() {
    connect(loader_, &app::DocumentLoader::loadingStarted, this, [this](const QString& path) {
        statusBar()->showMessage(tr("Opening %1…").arg(QFileInfo(path).fileName()));
    });
    connect(loader_, &app::DocumentLoader::loaded, this, &MainWindow::onDocumentLoaded);
    connect(loader_, &app::DocumentLoader::failed, this, &MainWindow::onDocumentFailed);
    connect(library_adder_, &app::DocumentLoader::loaded, this, [this](const app::LoadedDocument& loaded) {
        try {
            library_->addDocument(loaded);
            if (current_.libraryId) library_view_->setCurrentDocument(current_.libraryId);
            statusBar()->showMessage(tr("Added %1 to the library").arg(titleOf(loaded)), 4000);
            emit documentAddedToLibrary(loaded.path);
        } catch (const std::exception& e) {
            showError(tr("Could not add %1 to the library").arg(QFileInfo(loaded.path).fileName()), QString::fromUtf8(e.what()));
        }
    });
    connect(library_adder_, &app::DocumentLoader::failed, this, [this](const QString& path, const QString& message, bool) {
        showError(tr("Could not add %1 to the library").arg(QFileInfo(path).fileName()), message);
    });

    connect(library_view_, &LibraryView::openRequested, this, [this](const QString& path) {
        if (path == current_.path) return;
        if (!QFileInfo::exists(path)) {
            showError(tr("The file is no longer where it was"), path);
            return;
        }
        openDocument(path);
    });
    connect(library_view_, &LibraryView::removeRequested, this, &MainWindow::removeFromLibrary);
    connect(toc_view_, &TocView::entryActivated, this, [this](int page, qulonglong offset) {
        if (reader_->isPaginated() && page >= 0) {
            // Land on the heading itself when the importer placed it, else at the page top.
            if (current_.document->page_of_char(offset) == page) reader_->showPassage({offset, offset});
            reader_->goToOffset(offset);
            if (current_.document->page_of_char(offset) != page) reader_->goToPage(page);
        } else {
            reader_->goToOffset(offset);
        }
        reader_->setFocus();
    });

    connect(reader_, &ReaderView::positionChanged, this, &MainWindow::updatePosition);
    connect(reader_, &ReaderView::historyChanged, this, &MainWindow::updateHistoryActions);
    connect(thumbnails_panel_, &ThumbnailsPanel::pageActivated, this, [this](int page) { reader_->goToPage(page); });
    connect(reader_, &ReaderView::currentPageChanged, thumbnails_panel_, &ThumbnailsPanel::setCurrentPage);
    connect(reader_, &ReaderView::positionChanged, ask_panel_, &AskPanel::readerMoved);
    connect(reader_, &ReaderView::askAboutRequested, this, [this](TextRange range) {
        ask_dock_->show();
        ask_dock_->raise();
        ask_panel_->askAboutPassage(range);
    });
    connect(reader_, &ReaderView::zoomChanged, this, &MainWindow::updateZoomControls);
    connect(reader_, &ReaderView::searchResultsChanged, this, [this](int current, int total) {
        if (total > 0) statusBar()->showMessage(tr("Match %1 of %2").arg(current + 1).arg(total), 3000);
    });

    connect(evidence_panel_, &EvidencePanel::passageActivated, this, [this](qulonglong begin, qulonglong end, int page) {
        reader_->showPassage({size_t(begin), size_t(end)});
        if (page >= 0) statusBar()->showMessage(tr("Evidence on page %1").arg(page + 1), 4000);
    });
    connect(ask_panel_, &AskPanel::citationActivated, this, [this](int number) {
        const int row = questions_->evidence()->rowForCitation(number);
        if (row >= 0) evidence_panel_->activateRow(row);
        else statusBar()->showMessage(tr("No evidence passage [%1]").arg(number), 3000);
    });
    connect(evidence_panel_, &EvidencePanel::offsetActivated, this, [this](qulonglong offset) {
        reader_->goToOffset(size_t(offset));
    });
    connect(evidence_panel_, &EvidencePanel::compareRequested, questions_, &app::QuestionController::compareWithMethod);
    connect(evidence_panel_, &EvidencePanel::stopComparingRequested, questions_, &app::QuestionController::stopComparing);
    auto updateCompare = [this] {
        evidence_panel_->setCompareEnabled(!questions_->isBusy() && questions_->shownRecord() >= 0);
    };
    connect(questions_, &app::QuestionController::busyChanged, this, updateCompare);
    connect(questions_, &app::QuestionController::recordShown, this, updateCompare);
    connect(questions_->history(), &QAbstractItemModel::modelReset, this, updateCompare);
    updateCompare();
    connect(ask_panel_, &AskPanel::methodChanged, this, [](const QString& id) { app::AppSettings().setMethod(id); });
    ask_panel_->setSelectedMethod(app::AppSettings().method());

    connect(questions_, &app::QuestionController::answerStarted, this, [this] {
        answer_stage_.clear();
        progress_->start(tr("Answering"), false);
    });
    connect(questions_, &app::QuestionController::answerProgress, this,
            [this](const QString& stage, qint64 done, qint64 total) {
                if (stage == "waiting") {
                    answer_stage_ = stage;
                    return progress_->setWaiting(done, total);
                }
                if (stage != answer_stage_) {
                    answer_stage_ = stage;
                    progress_->start(stage == "reading"    ? tr("Reading the book")
                                     : stage == "checking" ? tr("Checking the answer against the passages")
                                                           : tr("Reading the passages"),
                                     false);
                }
                progress_->setProgress(done, total);
            });
    connect(questions_, &app::QuestionController::busyChanged, this, [this] { showReadingProgress(); });
    connect(reading_, &app::ReadingController::stateChanged, this, [this](app::ReadingController::State state) {
        showReadingProgress();
        if (state == app::ReadingController::State::Done)
            statusBar()->showMessage(tr("Finished reading the book: questions are answered from it now"), 6000);
    });
    connect(reading_, &app::ReadingController::progress, this, [this](qint64 done, qint64 total, double tps, double eta) {
        if (questions_->isBusy()) return;
        if (reading_->isWaiting()) progress_->setWaiting(done, total);
        else progress_->setProgress(done, total, tps, eta);
    });
    connect(reading_, &app::ReadingController::failed, this, [this](const QString& message) {
        showError(tr("The book could not be read"), message);
    });
    connect(questions_, &app::QuestionController::modelStatusChanged, model_label_, &QLabel::setText);
    connect(questions_, &app::QuestionController::answerFinished, this, [this](int row) {
        const auto& passages = questions_->evidence()->passages();
        if (row < 0 || passages.empty()) return;
        // The answer lights up where it came from (the highlights, the strip beside the scrollbar)
        // but the reader stays where the user is reading: the strongest passage is the current one
        // in the Evidence panel, and a click there or on a [n] in the answer shows it.
        const auto best = std::max_element(passages.begin(), passages.end(),
                                           [](const EvidencePassage& a, const EvidencePassage& b) { return a.score < b.score; });
        evidence_panel_->selectRow(int(best - passages.begin()));
        statusBar()->showMessage(passages.size() == 1
                                     ? tr("Answered from 1 passage: click it in the Evidence panel to see it")
                                     : tr("Answered from %1 passages: click one in the Evidence panel to see it")
                                           .arg(passages.size()),
                                 8000);
    });
    connect(questions_, &app::QuestionController::answerFailed, this, [this](const QString& message) {
        showError(tr("No answer"), message);
    });
}

void MainWindow::restoreWindowState() {
    QSettings settings;
    restoreGeometry(settings.value("window/geometry").toByteArray());
    restoreState(settings.value("window/state").toByteArray());
    const QString mode = settings.value("reader/zoomMode", "fitWidth").toString();
    if (mode == "fitPage") reader_->setZoomMode(ZoomMode::FitPage);
    else if (mode == "fixed") reader_->setZoom(settings.value("reader/zoom", 1.0).toDouble());
    else reader_->setZoomMode(ZoomMode::FitWidth);
    const app::AppSettings viewSettings;
    reader_->setTextPointSize(viewSettings.reflowTextSize());
    reader_->setTextWidth(viewSettings.reflowTextWidth());
    reader_->setPageColours(app::pageColoursFromName(viewSettings.pageColours()));
    for (QAction* a : findChildren<QAction*>()) {
        if (a->objectName().startsWith(QLatin1String("actionTextWidth"))) a->setChecked(a->data().toInt() == reader_->textWidth());
        if (a->objectName().startsWith(QLatin1String("actionPageColours")))
            a->setChecked(a->data().toString() == viewSettings.pageColours());
    }
    updateZoomControls();
}

void MainWindow::saveWindowState() {
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    const ZoomMode mode = reader_->zoomMode();
    settings.setValue("reader/zoomMode", mode == ZoomMode::FitPage ? "fitPage" : mode == ZoomMode::Fixed ? "fixed" : "fitWidth");
    settings.setValue("reader/zoom", reader_->zoom());
    app::AppSettings().setLastDocument(current_.path);
}

void MainWindow::restoreSession() {
    const QString last = app::AppSettings().lastDocument();
    if (!last.isEmpty() && QFileInfo::exists(last)) openDocument(last);
}

QString MainWindow::currentDocumentPath() const { return current_.path; }

void MainWindow::openDocument(const QString& path) { loader_->load(path); }

void MainWindow::addToLibrary(const QStringList& paths) {
    for (const QString& p : paths) library_adder_->load(p);
}

void MainWindow::chooseDocuments(bool open) {
    const QString start = current_.path.isEmpty() ? QString() : QFileInfo(current_.path).absolutePath();
    if (open) {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open a Book"), start, tr(kOpenFilter));
        if (!path.isEmpty()) openDocument(path);
    } else {
        addToLibrary(QFileDialog::getOpenFileNames(this, tr("Add to Library"), start, tr(kOpenFilter)));
    }
}

void MainWindow::onDocumentLoaded(const app::LoadedDocument& incoming) {
    saveReadingPosition();  // of the document being left
    app::LoadedDocument loaded = incoming;
    try {
        loaded.libraryId = library_->addDocument(loaded);
    } catch (const std::exception& e) {
        showError(tr("%1 could not be recorded in the library").arg(QFileInfo(loaded.path).fileName()),
                  QString::fromUtf8(e.what()));
    }
    current_ = loaded;
    reader_->setDocument(current_);
    thumbnails_panel_->setDocument(current_);
    annotations_->setDocument(current_);
    toc_model_->setDocument(current_.document.get());
    questions_->setDocument(current_);
    reading_->setDocument(current_);
    const QString title = titleOf(current_);
    ask_panel_->setDocumentTitle(title);
    ask_panel_->documentChanged();
    library_view_->setCurrentDocument(current_.libraryId);
    setWindowTitle(tr("%1 — Gleaner").arg(title));
    app::AppSettings().setLastDocument(current_.path);
    if (current_.document->toc.empty()) toc_dock_->setWindowTitle(tr("Contents (none)"));
    else toc_dock_->setWindowTitle(tr("Contents"));

    // Back to where the user stopped reading, once the view has laid the document out.
    if (const auto record = library_->document(current_.libraryId); record && record->reading_position > 0) {
        const size_t offset = size_t(record->reading_position);
        restoring_offset_ = true;
        QTimer::singleShot(0, this, [this, offset, doc = current_.document] {
            if (current_.document == doc) {
                reader_->goToOffset(offset);
                reader_->clearHistory();  // the place the book reopens at is where history starts
            }
            restoring_offset_ = false;
        });
    }
    for (const std::string& w : current_.document->warnings)
        qInfo("%s: %s", qPrintable(current_.path), w.c_str());
    updateDocumentActions();
    updatePosition();
    updateOcrState();
    statusBar()->showMessage(current_.document->needs_ocr ? tr("Opened %1: scanned pages without text").arg(title)
                                                          : tr("Opened %1").arg(title),
                             4000);
    emit documentOpened(current_.path);
}

void MainWindow::onDocumentFailed(const QString& path, const QString& message, bool needsPassword) {
    statusBar()->clearMessage();
    if (needsPassword) {
        askPassword(path, message.contains(QStringLiteral("wrong"), Qt::CaseInsensitive) ||
                              message.contains(QStringLiteral("incorrect"), Qt::CaseInsensitive));
        emit documentFailed(path, message);
        return;
    }
    showError(tr("Cannot open %1").arg(QFileInfo(path).fileName()), message);
    emit documentFailed(path, message);
}

void MainWindow::askPassword(const QString& path, bool wrongPassword) {
    auto* dialog = new QInputDialog(this);
    dialog->setObjectName(QStringLiteral("passwordDialog"));
    dialog->setWindowTitle(tr("Password Required"));
    dialog->setLabelText(wrongPassword ? tr("That password did not open %1. Try again:").arg(QFileInfo(path).fileName())
                                       : tr("%1 is protected by a password:").arg(QFileInfo(path).fileName()));
    dialog->setTextEchoMode(QLineEdit::Password);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QInputDialog::textValueSelected, this, [this, path](const QString& password) {
        if (!password.isEmpty()) loader_->load(path, password);
    });
    dialog->open();
}

void MainWindow::closeDocument() {
    saveReadingPosition();
    current_ = {};
    reader_->clear();
    thumbnails_panel_->clear();
    annotations_->setDocument({});
    toc_model_->setDocument(nullptr);
    questions_->setDocument({});
    reading_->setDocument({});
    library_view_->setCurrentDocument(0);
    setWindowTitle(tr("Gleaner"));
    app::AppSettings().setLastDocument(QString());
    updateDocumentActions();
    updatePosition();
    updateOcrState();
}

void MainWindow::removeFromLibrary(qint64 id, bool deleteMemories) {
    if (id == current_.libraryId) closeDocument();
    try {
        const StoredMemories removed = library_->removeDocument(id, deleteMemories);
        if (removed.count > 0)
            statusBar()->showMessage(tr("Removed from the library, with its reading memory (%1 MB)")
                                         .arg(removed.bytes / 1e6, 0, 'f', 1), 5000);
    } catch (const std::exception& e) {
        showError(tr("Could not remove the document from the library"), QString::fromUtf8(e.what()));
    }
}

void MainWindow::showSettings() {
    auto* dialog = new SettingsDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &SettingsDialog::settingsSaved, this, [this] {
        questions_->settingsChanged();
        ask_panel_->setSelectedMethod(app::AppSettings().method());
        refreshModelStatus();
        if (current_.document) reading_->setDocument(current_);  // another model reads on its own
    });
    dialog->open();
}

void MainWindow::showAbout() {
    QMessageBox::about(this, tr("About Gleaner"),
                       tr("<h3>Gleaner %1</h3><p>Ask questions about whole books with a local language model, "
                          "and see on the page which passages the answer came from.</p>"
                          "<p>Everything runs on this computer; nothing is sent anywhere.</p>")
                           .arg(QStringLiteral(GLEANER_VERSION)));
}

void MainWindow::showError(const QString& title, const QString& message) {
    // Window-modal but non-blocking: background work and tests keep running while it shows.
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Gleaner"), title, QMessageBox::Ok, this);
    box->setInformativeText(message);
    box->setObjectName(QStringLiteral("errorMessage"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    statusBar()->showMessage(message, 10000);
}

void MainWindow::updatePosition() {
    if (!reader_->hasDocument()) {
        position_label_->clear();
        page_count_label_->clear();
        const QSignalBlocker block(page_spin_);
        page_spin_->setSpecialValueText(QStringLiteral("–"));
        page_spin_->setRange(0, 0);
        page_spin_->setEnabled(false);
        return;
    }
    const int percent = qRound(reader_->positionFraction() * 100);
    if (reader_->isPaginated()) {
        const int page = reader_->currentPage(), count = reader_->pageCount();
        const QSignalBlocker block(page_spin_);
        auto* box = static_cast<PageSpinBox*>(page_spin_);
        box->setDocument(current_.document.get());
        page_spin_->setEnabled(true);
        page_spin_->setSpecialValueText(QString());  // the first page shows its number
        page_spin_->setRange(1, count);
        page_spin_->setValue(page + 1);
        if (box->hasLabels()) {  // the printed label, and where the page is among the sheets
            page_count_label_->setText(tr("(%1 of %2)").arg(page + 1).arg(count));
            position_label_->setText(tr("Page %1 (%2 of %3) · %4%").arg(box->labelOf(page + 1)).arg(page + 1).arg(count).arg(percent));
        } else {
            page_count_label_->setText(tr("of %1").arg(count));
            position_label_->setText(tr("Page %1 of %2 · %3%").arg(page + 1).arg(count).arg(percent));
        }
    } else {
        const QSignalBlocker block(page_spin_);
        page_spin_->setSpecialValueText(QStringLiteral("–"));
        page_spin_->setRange(0, 0);
        page_spin_->setEnabled(false);
        page_count_label_->clear();
        position_label_->setText(tr("%1% through").arg(percent));
    }
    toc_view_->setCurrentOffset(reader_->currentOffset(), reader_->currentPage());
    if (!restoring_offset_) position_timer_->start();
}

void MainWindow::updateZoomControls() {
    if (!zoom_combo_) return;
    {
        // The text's size, added to the list where it is not one of its steps.
        const QSignalBlocker blockText(text_size_combo_);
        const double size = reader_->textPointSize();
        int i = text_size_combo_->findData(size);
        if (i < 0) {
            i = 0;
            while (i < text_size_combo_->count() && text_size_combo_->itemData(i).toDouble() < size) ++i;
            text_size_combo_->insertItem(i, tr("%1 pt").arg(size), size);
        }
        text_size_combo_->setCurrentIndex(i);
    }
    const QSignalBlocker block(zoom_combo_);
    switch (reader_->zoomMode()) {
        case ZoomMode::FitWidth: zoom_combo_->setCurrentIndex(0); break;
        case ZoomMode::FitPage: zoom_combo_->setCurrentIndex(1); break;
        case ZoomMode::Fixed: {
            const int i = zoom_combo_->findData(reader_->zoom());
            if (i >= 0) zoom_combo_->setCurrentIndex(i);
            break;
        }
    }
}

void MainWindow::updateDocumentActions() {
    const bool open = reader_->hasDocument();
    for (QAction* a : document_actions_) a->setEnabled(open);
    for (QAction* a : page_actions_) a->setEnabled(open && reader_->isPaginated());
    zoom_combo_->setEnabled(open && reader_->isPaginated());
    const bool reflowed = open && !reader_->isPaginated();
    for (QAction* a : text_actions_) a->setEnabled(reflowed);
    zoom_combo_action_->setVisible(!reflowed);
    text_size_action_->setVisible(reflowed);
}

void MainWindow::saveReadingPosition() {
    position_timer_->stop();
    if (!current_.libraryId || !reader_->hasDocument()) return;
    try {
        library_->setReadingPosition(current_.libraryId, int64_t(reader_->currentOffset()));
    } catch (const std::exception&) {
        // Losing a reading position is not worth interrupting the user; the next save retries.
    }
}

void MainWindow::refreshModelStatus() {
    const QString path = app::AppSettings().modelPath();
    library_->setModelName(QFileInfo(path).fileName());
    if (!questions_->modelDescription().isEmpty()) return model_label_->setText(questions_->modelDescription());
    if (QFileInfo::exists(path)) {
        model_label_->setText(tr("Model: %1").arg(QFileInfo(path).completeBaseName()));
        model_label_->setToolTip(path);
    } else {
        model_label_->setText(tr("No model installed (Settings › Configure › Manage Models… downloads one)"));
        model_label_->setToolTip(QString::fromStdString(missing_model_hint(path.toStdString())));
    }
}

void MainWindow::showReadingProgress() {
    if (questions_->isBusy()) return;  // the answer's progress has the bar
    using State = app::ReadingController::State;
    switch (reading_->state()) {
        case State::Reading:
            if (progress_->isHidden() || progress_->what() != tr("Reading the book") || progress_->isPaused())
                progress_->start(tr("Reading the book"), true);
            if (reading_->isWaiting()) progress_->setWaiting(reading_->tokensRead(), reading_->tokensTotal());
            else if (reading_->tokensTotal() > 0) progress_->setProgress(reading_->tokensRead(), reading_->tokensTotal());
            break;
        case State::Paused:
            if (progress_->isHidden() || progress_->what() != tr("Reading the book")) progress_->start(tr("Reading the book"), true);
            if (reading_->tokensTotal() > 0) progress_->setProgress(reading_->tokensRead(), reading_->tokensTotal());
            progress_->setPaused(true);
            break;
        default: progress_->finish(); break;
    }
}

void MainWindow::updateHistoryActions() {
    back_action_->setEnabled(reader_->canGoBack());
    forward_action_->setEnabled(reader_->canGoForward());
}

void MainWindow::connectOcr() {
    connect(ocr_bar_, &OcrBar::makeAskableRequested, this, &MainWindow::makeAskable);
    connect(ocr_bar_, &OcrBar::cancelRequested, ocr_, &app::OcrWorker::cancel);
    connect(ocr_, &app::OcrWorker::started, this, [this] {
        ocr_bar_->showProgress(0, 0);
        updateOcrState();
    });
    connect(ocr_, &app::OcrWorker::progress, this, [this](int page, int total) {
        ocr_bar_->showProgress(page, total);
        statusBar()->showMessage(tr("OCR page %1 of %2").arg(page).arg(total));
    });
    connect(ocr_, &app::OcrWorker::finished, this, [this](const QString& path, const QString& password) {
        statusBar()->showMessage(tr("Text recognised: %1 can be searched and asked now").arg(QFileInfo(path).fileName()), 6000);
        // The document imports again, now with its recognised text.
        if (path == current_.path) loader_->load(path, password);
        updateOcrState();
    });
    connect(ocr_, &app::OcrWorker::failed, this, [this](const QString& message) {
        updateOcrState();
        showError(tr("The scanned pages could not be recognised (they stay viewable)"), message);
    });
    connect(ocr_, &app::OcrWorker::cancelled, this, [this] {
        updateOcrState();
        statusBar()->showMessage(tr("OCR cancelled"), 4000);
    });
}

void MainWindow::makeAskable() {
    if (!current_.document || !current_.document->needs_ocr) return;
    ocr_->start(current_);
}

void MainWindow::updateOcrState() {
    const bool needs = current_.document && current_.document->needs_ocr;
    ocr_action_->setEnabled(needs && !ocr_->isRunning());
    if (ocr_->isRunning()) return;  // the bar shows the progress
    if (needs) ocr_bar_->showOffer();
    else ocr_bar_->hide();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveReadingPosition();
    saveWindowState();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    const QList<QUrl> urls = event->mimeData()->urls();
    if (std::any_of(urls.begin(), urls.end(), [](const QUrl& u) { return u.isLocalFile(); })) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    QStringList files;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile()) files << url.toLocalFile();
    if (files.isEmpty()) return;
    event->acceptProposedAction();
    // The first file is opened; the others go to the library for later.
    openDocument(files.takeFirst());
    addToLibrary(files);
}

}  // namespace gleaner::ui
