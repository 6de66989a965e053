"""The run store and its parts, one package: the store (`store`), the files it writes
(`files`), one writer per run (`lock`), notes and tags (`notes`), the history as CSV
(`history_csv`), whether a checkpoint fits its run (`fit`) and a comparison's figures
(`compare`).

Lower modules never import higher ones: `files` ← `lock` ← `store` ← `fit`, `compare`;
`notes` and `history_csv` need only `files`. The store's names are re-exported here, so
callers write `from rnntui.runs import RunStore`.
"""

from rnntui.runs.files import RunError, WriteFailed, atomic_save, atomic_write
from rnntui.runs.store import (CONFIG, FORMAT_VERSION, HISTORY, HISTORY_IN_MODEL, MODEL,
                               OUTCOMES, STATUS, VOCAB, Run, RunInfo, RunStatus, RunStore)

__all__ = ["CONFIG", "FORMAT_VERSION", "HISTORY", "HISTORY_IN_MODEL", "MODEL", "OUTCOMES",
           "STATUS", "VOCAB", "Run", "RunError", "RunInfo", "RunStatus", "RunStore", "WriteFailed",
           "atomic_save", "atomic_write"]
