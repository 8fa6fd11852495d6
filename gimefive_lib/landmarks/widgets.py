"""Interactive choice of emotion and k over a finished landmark study (ipywidgets)."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display

from gimefive_lib.explain.widgets import display_with_static_copy
from gimefive_lib.labels import EMOTIONS
from gimefive_lib.landmarks.figures import plot_emotion_at_k
from gimefive_lib.landmarks.study import LandmarkStudy


class LandmarkExplorer:
    """Pick an emotion and a k of the schedule; see which landmarks its k-model reads and how it scores."""

    def __init__(self, study: LandmarkStudy) -> None:
        self.study = study
        self.emotion = widgets.Dropdown(options=[(name, i) for i, name in enumerate(EMOTIONS)], value=0,
                                        description="emotion")
        self.k = widgets.SelectionSlider(options=list(study.schedule), value=study.pruning[0].chosen.k,
                                         description="landmarks k")
        self.output = widgets.Output()
        self.emotion.observe(self.update, names="value")
        self.k.observe(self.update, names="value")
        self.update()

    @property
    def widget(self) -> widgets.Widget:
        """The controls above the figure, ready to display."""
        return widgets.VBox([widgets.HBox([self.emotion, self.k]), self.output])

    def figure(self):
        """The figure of the chosen emotion and k."""
        study = self.study
        return plot_emotion_at_k(study.pruning[self.emotion.value], study.reference_face, study.splits.layout,
                                 self.k.value)

    def update(self, _change=None):
        """Redraw the output for the current choice; returns the figure."""
        figure = self.figure()
        self.output.clear_output(wait=True)
        with self.output:
            display(figure)
        plt.close(figure)
        self.last_figure = figure
        return figure

    def show(self) -> None:
        """Display the explorer, with a static copy of its first view for readers without a kernel."""
        display_with_static_copy(self.widget, self.last_figure)
