// Gleaner's default method: GemFilter-style selection over a persisted reading memory (reading.h).
// Asking costs a short probe generation, the question's pass through layers 0..r, two linear
// scans of the stored keys, and a full-model prefill of the k selected tokens: the book is never
// read again.
//
// Variants compared with `gleaner-cli eval niah --selection-only` (needle recall of the selection,
// Moby Dick haystack, 4k tokens, k=128, 5 depths), all on the same reading memory:
//   filter layer 7 / 12 / 18 (tail, softmax_max, probe): recall 0.48 / 0.03 / 0.58
//   layer 7: probe 8 tokens vs none: 0.48 vs 0.00; softmax_max vs GemFilter's raw sum: 0.48 vs 0.08;
//   query tail vs question: 0.48 vs 0.38; RoPE absolute / fixed / none: 0.48 / 0.46 / 0.40 (but at
//   16k tokens only fixed finds the needle: see the default below).
// Then answers (2k-8k tokens, 3 depths): k = 128 / 256 / 512 / 1024: 89% / 100% / 100% / 56%; single
// tokens (span 0) give the small model fragments it cannot read, spans of 64 answer.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "lexical_scores.h"
#include "question_likelihood.h"
#include "methods/gemfilter.h"
#include "methods/lazyllm.h"
#include "methods/method_steps.h"
#include "qa_prompt.h"
#include "text_spans.h"
#include "sampler.h"
#include "reading.h"

namespace gleaner {

namespace {

class GleanerMethod final : public ContextMethod {
public:
    GleanerMethod(const Model& model, Backend& backend, const ReadingMemory& mem, int k, std::string query,
                  ScoreRope rope, std::string rope_name, std::string score_name, ProbeScore score, int probe_tokens, int span,
                  bool contrast, bool selection_only, std::string select, float lexical_weight, std::string order,
                  std::string answer_prefill, double lazy_keep, std::string rerank, int rerank_pool, int rerank_keep, int widen)
        : model_(model), backend_(backend), mem_(mem), k_(k), query_(std::move(query)), rope_(rope),
          rope_name_(std::move(rope_name)), score_name_(std::move(score_name)), score_(score), probe_tokens_(probe_tokens), span_(span),
          contrast_(contrast), selection_only_(selection_only), select_(std::move(select)),
          lexical_weight_(lexical_weight), order_(std::move(order)), answer_prefill_(std::move(answer_prefill)), lazy_keep_(lazy_keep),
          rerank_(std::move(rerank)), rerank_pool_(rerank_pool), rerank_keep_(rerank_keep), widen_(widen) {}
    std::string name() const override { return "gleaner"; }
    std::string describe() const override {
        const std::string so_far = mem_.complete() || mem_.doc_ids().empty()
                                       ? std::string()
                                       : " read_so_far=" + std::to_string(100 * n_read_ / static_cast<int64_t>(mem_.doc_ids().size())) + "%";
        return "gleaner: k=" + std::to_string(k_) + " span=" + std::to_string(span_) + " query=" + query_ +
               " probe_tokens=" + std::to_string(probe_tokens_) + (contrast_ ? " contrast=1" : "") +
               " score=" + score_name_ + " score_rope=" + rope_name_ + " select=" + select_ +
               (select_ == "fused" ? " lexical_weight=" + std::to_string(lexical_weight_).substr(0, 4) + " order=" + order_ : "") +
               (reranks() ? " rerank=question rerank_pool=" + std::to_string(rerank_pool_) +
                                        " rerank_keep=" + std::to_string(rerank_keep_)
                                  : "") +
               (widen() > 0 ? " widen=" + std::to_string(widen()) : "") +
               " (reading: " +
               mem_.settings().cache_key() + ")" + so_far +
               (answer_prefill_ == "lazyllm" ? " answer_prefill=lazyllm lazy_keep=" + std::to_string(lazy_keep_).substr(0, 4) : "") +
               (answer_model_ ? " answered_by=" + (answer_model_->config().name.empty() ? std::string("another model")
                                                                                       : answer_model_->config().name)
                              : std::string());
    }

    std::vector<float> prefill(const QaPrompt& prompt, int max_new_tokens, const PrefillProgress& progress) override {
        // A book not read to the end yet is answered from what has been read (attention) and, with
        // the fused selection, from the question's words in the rest (BM25).
        const ReadingMemory::ReadKeys read = mem_.doc_keys_read_so_far();
        // the passes below are short, so the cancel flag is polled between them
        PrefillProgress cancel_only;
        cancel_only.cancel = progress.cancel;
        throw_if_cancelled(progress);
        const ModelConfig& c = model_.config();
        const int r = mem_.settings().filter_layer;
        const PromptFrame frame = qa_prompt_frame(model_, prompt.question, FrameKind::Document, prompt.conversation);
        const int64_t n_doc = static_cast<int64_t>(mem_.doc_ids().size());

        // 1.-2. The filter layer's queries: the question's last token, the probe (the model's own
        //       opening of an answer) and, with query=words, the question's own tokens.
        probe_ = make_probe(frame);
        const FilterQueries fq = filter_queries(frame, probe_, prompt.question, cancel_only);
        if (progress.on_progress) progress.on_progress(0, n_doc);
        throw_if_cancelled(progress);
        const RopeParams rp = layer_rope_params(model_, r);
        const int64_t fixed = mem_.settings().memory.n_local - 1;
        n_read_ = read.n;
        std::vector<float> raw =
            read.n == 0 ? std::vector<float>{}
                        : probe_scores_f16(backend_, fq.q.data(), fq.pos, read.keys, read.n, c.n_heads, c.n_kv_heads,
                                           c.head_dim, c.attn_scale, rp, rope_, fq.key_pos0, fixed, score_);
        throw_if_cancelled(progress);
        if (contrast_ && read.n > 0) {
            // What a content-free question's queries find everywhere (attention sinks, the table
            // of contents, words like "document") is discounted: score / (null score + 1/n).
            const std::string null_question = "What does the document say?";
            const PromptFrame nf = qa_prompt_frame(model_, null_question);
            const FilterQueries nq = filter_queries(nf, make_probe(nf), null_question, cancel_only);
            const std::vector<float> base = probe_scores_f16(backend_, nq.q.data(), nq.pos, read.keys, read.n,
                                                             c.n_heads, c.n_kv_heads, c.head_dim, c.attn_scale, rp,
                                                             rope_, nq.key_pos0, fixed, score_);
            const float floor = 1.0f / static_cast<float>(std::max<int64_t>(1, read.n));
            for (int64_t i = 0; i < read.n; ++i) raw[i] = raw[i] / (std::max(base[i], 0.0f) + floor);
            throw_if_cancelled(progress);
        }

        // 3. Selection over every token of the book: 5-wide average pooling of the scores, then
        //    sentence-aligned passages ranked by attention fused with BM25 (select=fused, when the
        //    caller gave the text), or GemFilter-style tokens / fixed spans (select=attention).
        pooled_ = avg_pool5(raw);
        pooled_.resize(n_doc, -INFINITY);  // not read yet: no attention score
        doc_begin_ = prompt.doc_begin;
        cited_.clear();
        const bool fused = select_ == "fused" && !prompt.doc_text.empty() && prompt.doc_offsets &&
                           static_cast<int64_t>(prompt.doc_offsets->size()) == n_doc + 1;
        auto outside_scope = [&](int64_t i) { return prompt.scope_end >= 0 && (i < prompt.scope_begin || i >= prompt.scope_end); };
        // Tokens of the front/back matter (a licence, a header) are never selected either.
        auto in_matter = [&](int64_t i) {
            if (!fused && prompt.doc_offsets && static_cast<int64_t>(prompt.doc_offsets->size()) == n_doc + 1)
                for (const auto& [b, e] : prompt.doc_skip)
                    if ((*prompt.doc_offsets)[i] >= b && (*prompt.doc_offsets)[i] < e) return true;
            return false;
        };
        for (int64_t i = 0; i < n_doc; ++i)
            if (outside_scope(i) || in_matter(i)) pooled_[i] = -INFINITY;  // ranked last, then dropped below
        if (fused) {
            select_passages(prompt, cancel_only);
        } else if (span_ <= 0) {  // GemFilter: the k best tokens
            selected_ = top_k_sorted(pooled_, static_cast<int>(std::min<int64_t>(k_, n_doc)));
        } else {  // whole spans of `span_` tokens, ranked by their best token, k tokens in all
            const int64_t n_spans = (n_doc + span_ - 1) / span_;
            std::vector<float> best(n_spans, -INFINITY);
            for (int64_t i = 0; i < n_doc; ++i) best[i / span_] = std::max(best[i / span_], pooled_[i]);
            const int take = static_cast<int>(std::min<int64_t>(n_spans, (k_ + span_ - 1) / span_));
            selected_.clear();
            for (int32_t sp : top_k_sorted(best, take))
                for (int64_t i = static_cast<int64_t>(sp) * span_; i < std::min<int64_t>(n_doc, (sp + 1) * int64_t{span_}); ++i)
                    selected_.push_back(static_cast<int32_t>(i));
        }
        std::erase_if(selected_, outside_scope);  // a question about a chapter or passage selects inside it
        if (!fused)  // attention alone knows only what has been read; never the matter
            std::erase_if(selected_, [&](int32_t i) { return i >= n_read_ || in_matter(i); });
        if (progress.on_progress) progress.on_progress(n_doc, n_doc);

        if (selection_only_) return {};  // evaluation of the selection alone
        throw_if_cancelled(progress);

        // 4. The full model on the question prompt with the selected tokens as the document:
        //    numbered passages (select=fused), or the tokens run together.
        std::vector<int32_t> ids;
        size_t after_len = 0;  // tokens of the template after the passages (the question, the answer's opening)
        const Model& answerer = answer_model_ ? *answer_model_ : model_;
        if (fused) {
            const PromptFrame pf = qa_prompt_frame(answerer, prompt.question, FrameKind::Passages, prompt.conversation);
            ids = pf.before;
            for (size_t n = 0; n < cited_.size(); ++n) {
                const std::string mark = (n == 0 ? "[" : "\n\n[") + std::to_string(n + 1) + "] ";
                const std::vector<int32_t> m = answerer.tokenizer().encode(mark, false, false);
                ids.insert(ids.end(), m.begin(), m.end());
                const std::vector<int32_t> t = passage_ids(answerer, prompt, cited_[n].span);
                ids.insert(ids.end(), t.begin(), t.end());
            }
            ids.insert(ids.end(), pf.after.begin(), pf.after.end());
            after_len = pf.after.size();
        } else {
            ids = frame.before;
            for (int32_t i : selected_) ids.push_back(mem_.doc_ids()[i]);
            ids.insert(ids.end(), frame.after.begin(), frame.after.end());
            after_len = frame.after.size();
        }
        if (answer_prefill_ == "lazyllm") {
            // LazyLLM over pass 2's prompt: the passages prunable, the question and the template
            // after them kept; its decode revives what the answer turns back to.
            QaPrompt pass2;
            pass2.ids = std::move(ids);
            pass2.doc_end = static_cast<int>(pass2.ids.size() - after_len);
            pass2.question = prompt.question;
            LazyLlmConfig lc = lazyllm_defaults(answerer.config());
            lc.keep = lazy_keep_;
            lazy_ = std::make_unique<LazyLlmMethod>(answerer, backend_, lc);
            return lazy_->prefill(pass2, max_new_tokens, progress);
        }
        tf_ = std::make_unique<Transformer>(answerer, backend_, static_cast<int>(ids.size()) + std::max(1, max_new_tokens));
        return tf_->forward(ids, Logits::Last);
    }


    // Sentence-aligned passages of about span_ tokens, outside the front/back matter, ranked by
    // reciprocal-rank fusion of their best attention score and their BM25 for the question's
    // words (1/(60 + rank) each, the lexical term weighted by lexical_weight_), taken best first
    // up to k tokens and numbered in book order.
    void select_passages(const QaPrompt& prompt, const PrefillProgress& cancel) {
        const std::vector<int64_t>& offsets = *prompt.doc_offsets;
        std::vector<TokenSpan> spans = sentence_spans(offsets, prompt.doc_text, std::max(8, span_), prompt.doc_breaks);
        if (prompt.scope_end >= 0) {  // passages cut to the scope; those outside it dropped
            std::vector<TokenSpan> inside;
            for (TokenSpan sp : spans) {
                sp.begin = std::max(sp.begin, prompt.scope_begin);
                sp.end = std::min(sp.end, prompt.scope_end);
                if (sp.begin < sp.end) inside.push_back(sp);
            }
            spans = std::move(inside);
        }
        const size_t S = spans.size();
        std::vector<std::pair<int64_t, int64_t>> bytes(S);
        std::vector<float> attn(S, -INFINITY);
        std::vector<char> skip(S, 0);
        for (size_t s = 0; s < S; ++s) {
            bytes[s] = {offsets[spans[s].begin], offsets[spans[s].end]};
            for (int32_t i = spans[s].begin; i < spans[s].end; ++i) attn[s] = std::max(attn[s], pooled_[i]);
            for (const auto& [b, e] : prompt.doc_skip) skip[s] |= bytes[s].first < e && b < bytes[s].second;
        }
        const std::vector<float> lex = lexical_weight_ > 0
                                           ? bm25_scores(prompt.doc_text, bytes, content_words(prompt.question + "\n" + prompt.previous_question))
                                           : std::vector<float>(S, 0.0f);
        auto ranks = [&](const std::vector<float>& v) {  // 1-based rank among the eligible spans
            std::vector<int32_t> order(S);
            for (size_t s = 0; s < S; ++s) order[s] = static_cast<int32_t>(s);
            std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return v[a] > v[b]; });
            std::vector<int32_t> r(S, 0);
            int32_t next = 1;
            for (int32_t s : order)
                if (!skip[s]) r[s] = next++;
            return r;
        };
        const std::vector<int32_t> ra = ranks(attn), rl = ranks(lex);
        std::vector<float> fusedv(S, -INFINITY);
        for (size_t s = 0; s < S; ++s) {
            if (skip[s]) continue;
            if (spans[s].end > n_read_) {
                // not read yet: its words alone, ranked as if its attention ranked alike
                if (lex[s] > 0) fusedv[s] = (1.0f + lexical_weight_) / (60.0f + static_cast<float>(rl[s]));
                continue;
            }
            fusedv[s] = 1.0f / (60.0f + static_cast<float>(ra[s]));
            if (lex[s] > 0) fusedv[s] += lexical_weight_ / (60.0f + static_cast<float>(rl[s]));
        }
        std::vector<int32_t> order(S);
        for (size_t s = 0; s < S; ++s) order[s] = static_cast<int32_t>(s);
        std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return fusedv[a] > fusedv[b]; });
        std::erase_if(order, [&](int32_t s) { return skip[s] || !std::isfinite(fusedv[s]); });
        const std::vector<float> look =
            reranks() ? second_look(prompt, spans, order, cancel) : std::vector<float>(S, -1.0f);
        std::vector<int32_t> chosen;
        int64_t taken = 0;
        for (int32_t s : order) {
            if (taken >= k_) break;
            chosen.push_back(s);
            taken += spans[s].end - spans[s].begin;
        }
        // each signal's strength in [0, 1] over the eligible passages, for the evidence
        float amin = INFINITY, amax = -INFINITY, lmax = 0.0f, fmax = 0.0f;
        for (size_t s = 0; s < S; ++s) {
            if (skip[s]) continue;
            if (std::isfinite(attn[s])) {
                amin = std::min(amin, attn[s]);
                amax = std::max(amax, attn[s]);
            }
            lmax = std::max(lmax, lex[s]);
            fmax = std::max(fmax, fusedv[s]);
        }
        auto cited_span = [&](int32_t s) {
            CitedSpan c;
            c.span = spans[s];
            c.score = fmax > 0 ? fusedv[s] / fmax : 1.0f;
            c.attention = !std::isfinite(attn[s]) ? -1.0f  // not read yet: no attention
                          : amax > amin          ? (attn[s] - amin) / (amax - amin)
                                                 : 1.0f;
            c.lexical = lmax > 0 ? lex[s] / lmax : 0.0f;
            c.second_look = look[s];
            return c;
        };
        // (passage, its best rank in `chosen`): one per chosen span, or widened and joined
        std::vector<std::pair<CitedSpan, size_t>> shown;
        if (widen() <= 0) {
            for (size_t m = 0; m < chosen.size(); ++m) shown.push_back({cited_span(chosen[m]), m});
        } else {
            const std::vector<char> joins = joins_previous(spans, offsets, prompt.doc_breaks);
            for (const WidenedSpan& w : widen_spans(spans, chosen, widen(), joins, skip)) {
                CitedSpan c = cited_span(chosen[w.members.front()]);  // the strongest of each signal
                for (size_t i = 1; i < w.members.size(); ++i) {
                    const CitedSpan o = cited_span(chosen[w.members[i]]);
                    c.score = std::max(c.score, o.score);
                    c.attention = std::max(c.attention, o.attention);
                    c.lexical = std::max(c.lexical, o.lexical);
                    c.second_look = std::max(c.second_look, o.second_look);
                }
                c.span = w.span;
                shown.push_back({c, w.members.front()});
            }
        }
        // shown to the model in book order (the default: on the 88 book questions the 0.5B model
        // answered 41 right this way against 34 with the best passage last, docs/long-context.md),
        // or least relevant first so that the best passage stands next to the question
        if (order_ == "book")
            std::sort(shown.begin(), shown.end(), [](const auto& a, const auto& b) { return a.first.span.begin < b.first.span.begin; });
        else
            std::sort(shown.begin(), shown.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        selected_.clear();
        for (const auto& [c, rank] : shown) {
            cited_.push_back(c);
            for (int32_t i = c.span.begin; i < c.span.end; ++i) selected_.push_back(i);
        }
    }

    // The passage's tokens in `m`'s vocabulary: the reading's own, or its text tokenized again.
    std::vector<int32_t> passage_ids(const Model& m, const QaPrompt& prompt, TokenSpan sp) const {
        if (&m == &model_) return {mem_.doc_ids().begin() + sp.begin, mem_.doc_ids().begin() + sp.end};
        const std::vector<int64_t>& off = *prompt.doc_offsets;
        return m.tokenizer().encode(std::string(prompt.doc_text.substr(off[sp.begin], off[sp.end] - off[sp.begin])), false, false);
    }

    // rerank: the model looks again at the best rerank_pool_ passages of `order` one at a time
    // (question_likelihood.h); they are ranked again by reciprocal-rank fusion of their place in
    // `order` and their place by the question's likelihood (1/(60 + rank) each), and the best
    // rerank_keep_ become `order`. Of the three books' 74 fact questions, 5 kept held the answer
    // for 57 (the likelihood alone: 53; `order` alone: 49, and 57 only at 8 passages).
    // Returns each span's second-look strength for the evidence: the likelihood in [0, 1] over the
    // pool for the kept passages, -1 for the others.
    std::vector<float> second_look(const QaPrompt& prompt, const std::vector<TokenSpan>& spans, std::vector<int32_t>& order,
                                   const PrefillProgress& cancel) {
        std::vector<float> look(spans.size(), -1.0f);
        const size_t pool = std::min(order.size(), static_cast<size_t>(rerank_pool_));
        if (pool == 0) return look;
        std::vector<std::vector<int32_t>> texts;
        for (size_t i = 0; i < pool; ++i) texts.push_back(passage_ids(model_, prompt, spans[order[i]]));
        const std::vector<float> judged = question_likelihoods(model_, backend_, prompt.question, texts, cancel);
        std::vector<size_t> by(pool);
        for (size_t i = 0; i < pool; ++i) by[i] = i;
        std::stable_sort(by.begin(), by.end(), [&](size_t a, size_t b) { return judged[a] > judged[b]; });
        std::vector<float> fused(pool);
        for (size_t r = 0; r < pool; ++r)
            fused[by[r]] = 1.0f / (60.0f + static_cast<float>(by[r] + 1)) + 1.0f / (60.0f + static_cast<float>(r + 1));
        std::stable_sort(by.begin(), by.end(), [&](size_t a, size_t b) { return fused[a] > fused[b]; });
        const auto [lo, hi] = std::minmax_element(judged.begin(), judged.end());
        std::vector<int32_t> kept;
        for (size_t i = 0; i < std::min(pool, static_cast<size_t>(rerank_keep_)); ++i) {
            kept.push_back(order[by[i]]);
            look[order[by[i]]] = *hi > *lo ? (judged[by[i]] - *lo) / (*hi - *lo) : 1.0f;
        }
        order = std::move(kept);
        return look;
    }

    // The defaults the QA benchmark chose (docs/long-context.md, "A larger model answering"): when
    // another, larger model answers, the second look and passages widened by 64 tokens a side
    // (the 1.5B reads the context around a passage better; the 0.5B reads it worse); the model
    // that read the book answering, neither.
    bool reranks() const { return rerank_ == "question" || (rerank_ == "auto" && answer_model_); }
    int widen() const { return widen_ >= 0 ? widen_ : answer_model_ ? kAnswerModelWiden : 0; }
    static constexpr int kAnswerModelWiden = 64;

    // Only numbered passages (select=fused) are text another model can read.
    bool answer_with(const Model& answer_model) override {
        if (select_ != "fused") return false;
        answer_model_ = &answer_model;
        return true;
    }
    const Model* answering_model() const override { return answer_model_; }

    std::vector<float> decode(int32_t token) override {
        if (lazy_) return lazy_->decode(token);
        return decode_token(*tf_, token, "gleaner");
    }

    SelectionTrace trace() const override {
        if (pooled_.empty()) return {};
        std::vector<TokenScore> tokens;
        if (!cited_.empty()) {
            for (size_t n = 0; n < cited_.size(); ++n)
                for (int32_t i = cited_[n].span.begin; i < cited_[n].span.end; ++i)
                    tokens.push_back({doc_begin_ + i, std::max(cited_[n].score, 1e-3f), cited_[n].attention,
                                      cited_[n].lexical, cited_[n].second_look, static_cast<int32_t>(n + 1)});
        } else {
            tokens = normalised_selection(selected_, pooled_, doc_begin_);
        }
        return filter_layer_trace(std::move(tokens), mem_.settings().filter_layer,
                                  static_cast<int64_t>(selected_.size()));
    }

    struct FilterQueries {
        std::vector<float> q;       // (A, H*D) raw queries at the filter layer
        std::vector<int64_t> pos;   // (A) their positions
        int64_t key_pos0 = 0;       // position of the first document token
    };

    // The model's own opening of an answer, from the question alone (greedy). Its tokens'
    // queries look for the answer's content where the question's do not.
    std::vector<int32_t> make_probe(const PromptFrame& frame) {
        std::vector<int32_t> probe;
        if (probe_tokens_ <= 0) return probe;
        std::vector<int32_t> base = frame.before;
        base.insert(base.end(), frame.after.begin(), frame.after.end());
        Transformer gen(model_, backend_, static_cast<int>(base.size()) + probe_tokens_ + 1);
        std::vector<float> logits = gen.forward(base, Logits::Last);
        for (int i = 0; i < probe_tokens_; ++i) {
            const int32_t t = argmax(logits);
            if (model_.tokenizer().vocab().is_eog(t)) break;
            probe.push_back(t);
            if (i + 1 < probe_tokens_) {
                const int32_t one[1] = {t};
                logits = gen.forward(one, Logits::Last);
            }
        }
        return probe;
    }

    // Runs the question (and probe) through layers 0..r: after the stored end of the reading
    // (query=tail|words), or after the question prompt alone (query=question).
    FilterQueries filter_queries(const PromptFrame& frame, const std::vector<int32_t>& probe, const std::string& question,
                                 const PrefillProgress& cancel) {
        const ModelConfig& c = model_.config();
        const int r = mem_.settings().filter_layer;
        const int64_t n_doc = static_cast<int64_t>(mem_.doc_ids().size());
        QkCapture cap;
        // rows of the capture: frame.after then the probe, starting at row `after_row`, the first
        // of them at position `after_pos`
        int64_t after_row = 0, after_pos = 0;
        FilterQueries fq;
        // The tail of the reading exists once the book is read; before that, the question alone.
        if ((query_ == "tail" || query_ == "words") && mem_.complete()) {
            const ReadingMemory::Tail& tail = mem_.tail();
            Transformer tf(model_, backend_, 1, mem_.settings().memory.exc_block);
            InfLlmPolicy policy(
                tf, mem_.settings().memory,
                [&](int layer, const std::string& what) {
                    auto a = make_heap_bytes();
                    if (what == "acc") {  // scores as floats
                        const std::vector<float>& src = tail.acc[layer];
                        a->resize(src.size() * sizeof(float));
                        std::memcpy(a->data(), src.data(), src.size() * sizeof(float));
                    } else if (what == "k" || what == "v") {  // the stored halves, as the memory keeps them
                        const std::vector<uint16_t>& src = what == "k" ? tail.k[layer] : tail.v[layer];
                        const DType type = mem_.settings().memory.kv_type;
                        a->resize(dtype_row_bytes(type, static_cast<int64_t>(src.size())));
                        if (type == DType::F16)
                            std::memcpy(a->data(), src.data(), src.size() * sizeof(uint16_t));
                        else
                            kv_elements_to_f32(src.data(), DType::F16, src.size(), reinterpret_cast<float*>(a->data()));
                    }
                    return a;
                },
                r);
            for (int l = 0; l < policy.n_layers(); ++l) policy.layer(l).restore(tail.states[l]);
            tf.set_attention_policy(&policy);
            // the reading frame closes the document, then the question (and the probe) follow
            std::vector<int32_t> ids = frame.after;
            ids.insert(ids.end(), probe.begin(), probe.end());
            std::vector<int32_t> pos(ids.size());
            for (size_t i = 0; i < pos.size(); ++i) pos[i] = static_cast<int32_t>(mem_.total() + i);
            if (static_cast<int>(ids.size()) > mem_.settings().memory.exc_block)
                throw std::invalid_argument("gleaner: the question is too long");
            cap = capture_filter_layer(tf, r, ids, static_cast<int>(ids.size()), cancel, pos.data());
            after_pos = mem_.total();
            fq.key_pos0 = mem_.prefix_len();
        } else {
            std::vector<int32_t> ids = frame.before;
            ids.insert(ids.end(), frame.after.begin(), frame.after.end());
            ids.insert(ids.end(), probe.begin(), probe.end());
            Transformer tf(model_, backend_, static_cast<int>(ids.size()), static_cast<int>(ids.size()));
            cap = capture_filter_layer(tf, r, ids, static_cast<int>(ids.size()), cancel);
            // positions as if the document stood between the two halves of the frame
            after_row = static_cast<int64_t>(frame.before.size());
            after_pos = static_cast<int64_t>(frame.before.size()) + n_doc;
            fq.key_pos0 = static_cast<int64_t>(frame.before.size());
        }
        std::vector<int64_t> rows;  // indices into frame.after + probe
        if (query_ == "words") {
            const std::vector<int32_t> qt = model_.tokenizer().encode(question, false, false);
            const auto [qs, qe] = locate_question(frame.after, qt);
            for (int i = std::max(qs, 0); i < qe; ++i) rows.push_back(i);
        }
        for (int64_t i = static_cast<int64_t>(frame.after.size()) - 1; i < static_cast<int64_t>(frame.after.size() + probe.size()); ++i)
            rows.push_back(i);
        const size_t qrow = static_cast<size_t>(c.n_heads) * c.head_dim;
        fq.q.resize(rows.size() * qrow);
        fq.pos.resize(rows.size());
        for (size_t a = 0; a < rows.size(); ++a) {
            const float* src = cap.call_q.data() + static_cast<size_t>(after_row + rows[a]) * qrow;
            std::copy(src, src + qrow, fq.q.begin() + a * qrow);
            fq.pos[a] = after_pos + rows[a];
        }
        return fq;
    }

    // Raw pooled scores of every document token (evaluation of the selection).
    const std::vector<float>& pooled_scores() const { return pooled_; }

private:
    const Model& model_;
    Backend& backend_;
    const ReadingMemory& mem_;
    int k_;
    std::string query_;
    ScoreRope rope_;
    std::string rope_name_;
    std::string score_name_;
    ProbeScore score_;
    int probe_tokens_;
    int span_;
    bool contrast_;
    bool selection_only_;
    std::vector<int32_t> probe_;
    std::vector<float> pooled_;
    int64_t n_read_ = 0;  // document tokens the reading memory had read (all, once complete)
    std::vector<int32_t> selected_;
    std::string select_;
    float lexical_weight_;
    std::string order_;
    struct CitedSpan {
        TokenSpan span;
        float score = 0, attention = 0, lexical = 0, second_look = -1;
    };
    std::vector<CitedSpan> cited_;  // select=fused: the passages pass 2 showed, numbered [1].. in book order
    int doc_begin_ = 0;
    std::string answer_prefill_;  // full | lazyllm: how pass 2 runs the answering model over the passages
    double lazy_keep_;            // lazyllm: share of the passages' tokens still computed at the last layer
    std::string rerank_;          // none | question | auto: the model's second look (question_likelihood.h)
    int rerank_pool_;             // candidates it looks at
    int rerank_keep_;             // passages kept after it
    int widen_;                   // tokens of context added on each side of a chosen passage (0: none, -1: auto)
    std::unique_ptr<Transformer> tf_;
    std::unique_ptr<LazyLlmMethod> lazy_;  // pass 2 when answer_prefill_ == "lazyllm"
    const Model* answer_model_ = nullptr;  // reads the passages and answers (answer_with); null: model_
};

}  // namespace

std::unique_ptr<ContextMethod> make_gleaner_method(const Model& model, Backend& backend, const ReadingMemory& memory,
                                                   const MethodSettings& s) {
    // 256, not GemFilter's 1024: on the default model the needle evaluation scored 89% / 100% /
    // 100% / 56% for k = 128 / 256 / 512 / 1024 (2k-8k tokens), and pass 2 is the time to first token.
    const int k = s.get_int("k", 768);
    if (k < 1) throw std::invalid_argument("gleaner: k must be >= 1");
    const std::string query = s.get_string("query", "tail");
    if (query != "tail" && query != "question" && query != "words")
        throw std::invalid_argument("gleaner: query must be tail, question or words");
    // fixed: every key at InfLLM's distant-token distance, so scoring a 300k-token book uses no
    // relative position the model was not trained for (at 16k tokens absolute distances made
    // attention-sink-like peaks at the start of the book outrank the needle; at 4k both tie).
    const std::string rope = s.get_string("score_rope", "fixed");
    const std::string score = s.get_string("score", "softmax_max");
    const ProbeScore score_kind = score == "softmax_max" ? ProbeScore::SoftmaxMax
                                  : score == "softmax_sum" ? ProbeScore::SoftmaxSum
                                  : score == "gemfilter"   ? ProbeScore::RawSum
                                                           : throw std::invalid_argument(
                                                                 "gleaner: score must be softmax_max, softmax_sum or gemfilter");
    const int probe = s.get_int("probe_tokens", 8);
    if (probe < 0 || probe > 64) throw std::invalid_argument("gleaner: probe_tokens must be in 0..64");
    const int span = s.get_int("span", 64);
    if (span < 0) throw std::invalid_argument("gleaner: span must be >= 0");
    const std::string select = s.get_string("select", "fused");
    if (select != "fused" && select != "attention") throw std::invalid_argument("gleaner: select must be fused or attention");
    const double lexical_weight = s.get_double("lexical_weight", 3.0);
    if (lexical_weight < 0 || lexical_weight > 100) throw std::invalid_argument("gleaner: lexical_weight must be in 0..100");
    const std::string order = s.get_string("order", "book");
    if (order != "book" && order != "relevance") throw std::invalid_argument("gleaner: order must be book or relevance");
    const std::string answer_prefill = s.get_string("answer_prefill", "full");
    if (answer_prefill != "full" && answer_prefill != "lazyllm")
        throw std::invalid_argument("gleaner: answer_prefill must be full or lazyllm");
    const double lazy_keep = s.get_double("lazy_keep", 0.5);
    if (lazy_keep <= 0 || lazy_keep > 1) throw std::invalid_argument("gleaner: lazy_keep must be in (0, 1]");
    const std::string rerank = s.get_string("rerank", "auto");
    if (rerank != "none" && rerank != "question" && rerank != "auto")
        throw std::invalid_argument("gleaner: rerank must be none, question or auto");
    const int rerank_pool = s.get_int("rerank_pool", 12);
    const int rerank_keep = s.get_int("rerank_keep", 5);
    if (rerank_pool < 1 || rerank_pool > 64) throw std::invalid_argument("gleaner: rerank_pool must be in 1..64");
    if (rerank_keep < 1 || rerank_keep > rerank_pool) throw std::invalid_argument("gleaner: rerank_keep must be in 1..rerank_pool");
    if (rerank == "question" && select != "fused") throw std::invalid_argument("gleaner: rerank needs select=fused");
    const int widen = s.get_string("widen", "auto") == "auto" ? -1 : s.get_int("widen", 0);
    if (widen < -1 || widen > 512) throw std::invalid_argument("gleaner: widen must be auto or in 0..512");
    return std::make_unique<GleanerMethod>(model, backend, memory, k, query, parse_score_rope(rope), rope, score, score_kind, probe,
                                           span, s.get_bool("contrast", false), s.get_bool("selection_only", false), select,
                                           static_cast<float>(lexical_weight), order, answer_prefill, lazy_keep, rerank,
                                           rerank_pool, rerank_keep, widen);
}

}  // namespace gleaner
