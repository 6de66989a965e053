"""Chinese poetry beyond the network: one script, rhyme groups, the corpus and its
preparation, the Kneser-Ney baseline, honest scoring and the poem writer.

No Textual and no Keras at import time (the real corpus's download imports Keras inside the
function that fetches it, which runs in the training process).
"""
