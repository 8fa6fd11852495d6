"""Stage 5, explain: class activation maps (pytorch-grad-cam) and Integrated Gradients, layer activations, their
metrics against ground truth, sanity checks, face-region shares, figures and widgets."""

from __future__ import annotations

import lazy_loader

# The stage's API, imported on first use: ``train`` on a bare GPU server never loads the plotting, widget or
# explanation packages that other names here need. ``python -m gimefive_lib`` and the notebooks import from here.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "activations": [
            "block_activations", "channel_means", "edge_like_kernels", "emotion_channel_table", "first_layer_filters",
            "orientation_scores", "plot_block_overview", "plot_channel_grid", "plot_filters", "top_channels",
        ],
        "benchmark": ["compare_methods", "plot_comparison"],
        "cams": ["METHOD_LABELS", "METHOD_NAMES", "compute_cams", "explain_face", "overlay", "target_layers"],
        "ground_truth": ["correctly_classified", "ground_truth_table"],
        "figures": ["plot_cam_grid", "plot_explanation", "plot_method_row", "plot_randomisation"],
        "inputs": ["astronaut_face", "explain_data", "sample_faces"],
        "region_shares": [
            "emotion_region_table", "face_region_masks", "peak_cell_table", "plot_region_table", "region_shares",
        ],
        "sanity": ["randomisation_test"],
        "widgets": ["ActivationExplorer", "CamExplorer"],
    },
)
