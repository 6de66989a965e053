"""A NumPy mirror of rnntui's Keras recurrent networks, with no TensorFlow import.

It serves the gate inspector (every gate of every unit at every step), prediction and
generation (stepping the state one token at a time), the memory-through-time view and the
weights/summary text, from a run's ``model.keras``. Tests pin it to Keras to 1e-5.

    net = load_network(run_folder)
    probs, trace = net.forward(ids, trace=True)
"""

from rnntui.nn.errors import MirrorError
from rnntui.nn.generate import pick_id, sample_stream
from rnntui.nn.loading import load_network, network_from_keras
from rnntui.nn.memory import InputInfluence, input_influence
from rnntui.nn.network import Network
from rnntui.nn.summary import SummaryRow, named_weights, summary_rows, total_params, weights_text
from rnntui.nn.trace import LayerTrace, Trace

__all__ = [
    "InputInfluence", "LayerTrace", "MirrorError", "Network", "SummaryRow", "Trace",
    "input_influence", "load_network", "named_weights", "network_from_keras", "pick_id", "sample_stream",
    "summary_rows", "total_params", "weights_text",
]
