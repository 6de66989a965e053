"""The sequence screen: a whole sequence in, one answer out (recall: the first letter after
all the rest). The bars are the network's answer; an input of another length than the one
it was trained on is answered all the same, with a warning saying why the answer is not its
own."""

from __future__ import annotations

from rnntui.ui.screens.predict import BarsScreen


class SequenceScreen(BarsScreen):
    """The network's answer for the whole typed sequence."""

    INFO = "type {length} letters: the bars show the network's answer"
    LABEL = "sequence"
    PLACEHOLDER = "{length} letters"
    SECTION = "its answer, most likely first"
