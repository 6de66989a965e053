"""Chinese poetry beyond the network: one script, the 平水韵 (tone classes and rhyme groups),
平仄 and the regulated patterns, the corpus and its preparation, the Kneser-Ney baseline,
honest scoring, conformance figures and the poem writer with its rules.

No Textual and no Keras at import time (the real corpus's download imports Keras inside the
function that fetches it, which runs in the training process).
"""
