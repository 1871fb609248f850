"""Modules loaded on first use rather than on import, for libraries a web worker rarely needs.

`numpy = LazyModule("numpy")` behaves as the module once an attribute is read; until then
nothing is imported, so that loading the URLs does not load numpy (about 20 MB per worker)
for the few pages that project or optimise. Attributes are cached on first read.
"""

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    def __init__(self, name: str) -> None:
        self._name = name

    def _module(self) -> ModuleType:
        return importlib.import_module(self._name)

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(self._module(), attribute)
        setattr(self, attribute, value)
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self._name}>"


numpy: Any = LazyModule("numpy")
