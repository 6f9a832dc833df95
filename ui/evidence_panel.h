#pragma once
// The evidence panel: the passages the selected answer drew on, with where they are and how
// strongly they were selected (activating one sends the reader there), where each layer looked,
// and compare mode: the same question asked with a second method, both selections on the page.
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTabWidget;
class QTreeView;

namespace gleaner::app {
class EvidenceModel;
}

namespace gleaner::ui {

class LayerSelectionMap;

class EvidencePanel : public QWidget {
    Q_OBJECT
public:
    EvidencePanel(app::EvidenceModel* evidence, app::EvidenceModel* comparison, QWidget* parent = nullptr);
    QTreeView* list() const { return list_; }
    LayerSelectionMap* layerMap() const { return layer_map_; }
    QString summary() const;
    // Activates the passage in row `row` of the evidence model (as a click would).
    void activateRow(int row);
    // Makes it the current row without showing it in the reader (Enter or a click shows it).
    void selectRow(int row);
    // Enables the compare controls (an answer is shown and no question is being answered).
    void setCompareEnabled(bool enabled);

signals:
    void passageActivated(qulonglong begin, qulonglong end, int page);
    void offsetActivated(qulonglong offset);
    void compareRequested(const QString& method);
    void stopComparingRequested();

private:
    void updateSummary();
    void activate(const QModelIndex& proxyIndex);

    app::EvidenceModel* model_;
    app::EvidenceModel* comparison_;
    QSortFilterProxyModel* sorted_;
    QTreeView* list_;
    LayerSelectionMap* layer_map_;
    QTabWidget* tabs_;
    QLabel* summary_;
    QComboBox* compare_method_;
    QPushButton* compare_;
    QPushButton* stop_comparing_;
};

}  // namespace gleaner::ui
