"""What each unit learned: states over a text, units ranked by how well they track a task's
features (with the chance level of an untrained network), select and match (LSTMVis), gate
saturation per epoch (Karpathy et al. 2015) and ablation. NumPy only, on the exact mirror;
no Textual, no Keras."""
