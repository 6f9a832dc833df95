#include "evidence_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTreeView>
#include <QVBoxLayout>

#include <set>

#include "answer_engine.h"
#include "evidence_model.h"
#include "evidence_score_delegate.h"
#include "layer_selection_map.h"
#include "method_registry.h"

namespace gleaner::ui {

using app::EvidenceModel;

EvidencePanel::EvidencePanel(EvidenceModel* model, EvidenceModel* comparison, QWidget* parent)
    : QWidget(parent), model_(model), comparison_(comparison) {
    setObjectName(QStringLiteral("evidencePanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    summary_ = new QLabel(this);
    summary_->setObjectName(QStringLiteral("evidenceSummary"));
    summary_->setWordWrap(true);
    summary_->setTextFormat(Qt::RichText);
    layout->addWidget(summary_);

    auto* compareRow = new QHBoxLayout;
    auto* compareLabel = new QLabel(tr("Co&mpare with:"), this);
    compare_method_ = new QComboBox(this);
    compare_method_->setObjectName(QStringLiteral("compareMethod"));
    for (const MethodEntry& m : method_registry())
        compare_method_->addItem(QString::fromStdString(m.display_name), QString::fromStdString(m.name));
    compare_method_->setCurrentIndex(std::max(0, compare_method_->findData(QStringLiteral("gemfilter"))));
    compareLabel->setBuddy(compare_method_);
    compare_ = new QPushButton(tr("Compare"), this);
    compare_->setObjectName(QStringLiteral("compareButton"));
    compare_->setToolTip(tr("Ask the shown question again with this method and show both selections"));
    stop_comparing_ = new QPushButton(tr("Stop Comparing"), this);
    stop_comparing_->setObjectName(QStringLiteral("stopComparingButton"));
    stop_comparing_->hide();
    compareRow->addWidget(compareLabel);
    compareRow->addWidget(compare_method_, 1);
    compareRow->addWidget(compare_);
    compareRow->addWidget(stop_comparing_);
    layout->addLayout(compareRow);
    connect(compare_, &QPushButton::clicked, this, [this] { emit compareRequested(compare_method_->currentData().toString()); });
    connect(stop_comparing_, &QPushButton::clicked, this, &EvidencePanel::stopComparingRequested);

    sorted_ = new QSortFilterProxyModel(this);
    sorted_->setSourceModel(model);
    sorted_->setSortRole(EvidenceModel::SortRole);
    list_ = new QTreeView(this);
    list_->setObjectName(QStringLiteral("evidenceList"));
    list_->setModel(sorted_);
    list_->setRootIsDecorated(false);
    list_->setUniformRowHeights(true);
    list_->setAlternatingRowColors(true);
    list_->setSortingEnabled(true);
    list_->sortByColumn(EvidenceModel::PageColumn, Qt::AscendingOrder);  // document order
    list_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    list_->setItemDelegateForColumn(EvidenceModel::ScoreColumn, new EvidenceScoreDelegate(list_));
    list_->setAccessibleName(tr("Evidence passages"));
    list_->header()->setStretchLastSection(true);
    list_->header()->setSectionResizeMode(EvidenceModel::PageColumn, QHeaderView::ResizeToContents);
    list_->header()->resizeSection(EvidenceModel::ScoreColumn, 96);
    layer_map_ = new LayerSelectionMap(this);
    tabs_ = new QTabWidget(this);
    tabs_->setObjectName(QStringLiteral("evidenceTabs"));
    tabs_->setDocumentMode(true);
    tabs_->addTab(list_, tr("Passages"));
    tabs_->addTab(layer_map_, tr("Layers"));
    layout->addWidget(tabs_, 1);
    connect(layer_map_, &LayerSelectionMap::offsetClicked, this, &EvidencePanel::offsetActivated);
    connect(comparison_, &QAbstractItemModel::modelReset, this, &EvidencePanel::updateSummary);

    connect(list_, &QTreeView::activated, this, &EvidencePanel::activate);
    connect(list_, &QTreeView::clicked, this, &EvidencePanel::activate);
    connect(model, &QAbstractItemModel::modelReset, this, &EvidencePanel::updateSummary);
    updateSummary();
}

void EvidencePanel::activateRow(int row) {
    const QModelIndex proxy = sorted_->mapFromSource(model_->index(row, EvidenceModel::PassageColumn));
    list_->setCurrentIndex(proxy);
    activate(proxy);
}

void EvidencePanel::selectRow(int row) {
    list_->setCurrentIndex(sorted_->mapFromSource(model_->index(row, EvidenceModel::PassageColumn)));
}

void EvidencePanel::activate(const QModelIndex& proxyIndex) {
    if (!proxyIndex.isValid()) return;
    const QModelIndex i = sorted_->mapToSource(proxyIndex);
    emit passageActivated(i.data(EvidenceModel::BeginRole).toULongLong(), i.data(EvidenceModel::EndRole).toULongLong(),
                          i.data(EvidenceModel::PageRole).toInt());
}

void EvidencePanel::setCompareEnabled(bool enabled) { compare_->setEnabled(enabled); }

QString EvidencePanel::summary() const { return summary_->text(); }

void EvidencePanel::updateSummary() {
    const int n = model_->rowCount();
    layer_map_->setSelections(model_->layers(), model_->document() ? model_->document()->text.size() : 0);
    tabs_->setTabText(1, model_->layers().empty() ? tr("Layers") : tr("Layers (%1)").arg(model_->layers().size()));
    const bool comparing = !comparison_->method().isEmpty();
    stop_comparing_->setVisible(comparing);
    compare_->setVisible(!comparing);
    auto label = [](const QString& id) {
        const MethodEntry* m = find_method(id.toStdString());
        return m ? QString::fromStdString(m->display_name) : id;
    };
    if (comparing) {
        // Both selections, in the colours the reader draws them in, and how much they agree.
        const int percent = qRound(100 * app::evidenceOverlap(model_->passages(), comparison_->passages()));
        summary_->setText(tr("<span style=\"color:#00806e\">■</span> %1: %2 passages &nbsp; "
                             "<span style=\"color:#7a3cbe\">■</span> %3: %4 passages<br>They share %5% of the selected text.")
                              .arg(label(model_->method()).toHtmlEscaped())
                              .arg(n)
                              .arg(label(comparison_->method()).toHtmlEscaped())
                              .arg(comparison_->rowCount())
                              .arg(percent));
        return;
    }
    if (n == 0) {
        summary_->setText(tr("The passages an answer drew on appear here. Click one to see it on the page."));
        return;
    }
    // Where the evidence lies: the pages (or sections) it spans.
    std::set<int> pages;
    for (const EvidencePassage& p : model_->passages())
        if (p.page >= 0) pages.insert(p.page);
    QString where;
    if (!pages.empty())
        where = pages.size() == 1 ? tr("page %1").arg(*pages.begin() + 1)
                                  : tr("pages %1–%2").arg(*pages.begin() + 1).arg(*pages.rbegin() + 1);
    const MethodEntry* m = find_method(model_->method().toStdString());
    const QString method = m ? QString::fromStdString(m->display_name) : model_->method();
    const QString passages = n == 1 ? tr("1 passage") : tr("%1 passages").arg(n);
    QString text = where.isEmpty() ? tr("%1 selected by %2").arg(passages, method)
                                   : tr("%1 selected by %2 on %3").arg(passages, method, where);
    // A question about part of the book: the evidence comes from there.
    if (!model_->scope().isEmpty()) text += tr(", from %1").arg(model_->scope());
    summary_->setText(text.toHtmlEscaped());
}

}  // namespace gleaner::ui
