"""The package's one pandas setting, applied when this module is imported.

Text columns hold Python strings (pandas' "python" storage), with or without pyarrow installed:
pandas 3 would otherwise switch every "string" and "str" column, and every frame built from Python
strings, to Arrow storage as soon as pyarrow is importable (the loader reads large CSV files with
it), and the frames the notebooks, pages and workbooks are made from would change under them: a
``labels.Shown`` cell (a table cell's text carrying its numbers) would become plain text, so a
page, the Word draft and the workbook would no longer know it holds numbers. The loader's own
columns are python-storage ``StringArray``s whatever this says (``factors.text_array``).

Imported by ``factors`` (every frame the loader makes) and by the first ``labels.Shown`` made (a
frame a researcher builds from the package's cells before loading anything).
"""
from __future__ import annotations

import pandas as pd

pd.set_option("mode.string_storage", "python")
