"""Which tables and indexes a Lambda's code can touch, read from the source.

Starting at a function's entry points, the reader follows what the code names: a module's
top-level statements run when it is imported (so its imports, and its decorated functions
— routes, registered handlers — are reached); a reached function or class reaches every
project function, class and module its body names, function-level imports included. A
registered pynamodb model named in reached code is a table the function touches
(``Model.Meta`` alone is not: it is the table's name, not a call, unless that name is handed
to a library as ``table_name=``); ``Model.<index>`` is an
index it touches; ``Model.scan``/``Model.count()`` is a scan and ``Model.batch_write`` a
batch write of that table.

It over-approximates within a function (every branch counts) and never sees calls built
from strings; a function whose code does that (the sweeper's task list) names those
targets as extra entry points.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pynamodb.indexes import Index

from chalicelib.core.dynamo import all_models, short_name

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("chalicelib", "functions", "app")


@dataclass
class Touches:
    tables: set[str] = field(default_factory=set)
    indexes: set[tuple[str, str]] = field(default_factory=set)  # (table, index name)
    scans: set[str] = field(default_factory=set)
    batch_writes: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Model:
    table: str
    indexes: dict[str, str]  # attribute -> index name


def _models() -> dict[tuple[str, str], _Model]:
    found = {}
    for model in all_models():
        if not model.__module__.startswith(PACKAGES):
            continue  # test-only tables
        indexes = {a: v.Meta.index_name for a, v in vars(model).items() if isinstance(v, Index)}
        found[(model.__module__, model.__name__)] = _Model(short_name(model), indexes)
    return found


class _Module:
    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.tree = ast.parse(path.read_text(), str(path))
        for parent in ast.walk(self.tree):
            for child in ast.iter_child_nodes(parent):
                child._parent = parent  # type: ignore[attr-defined]
        self.is_package = path.name == "__init__.py"
        self.defs = {
            node.name: node
            for node in self.tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        }
        self.imports = _imports(self.tree.body, self)


def _imports(statements: Iterable[ast.stmt], module: _Module) -> dict[str, str]:
    """Local name -> ``module`` or ``module:attribute`` for the import statements given."""
    names: dict[str, str] = {}
    for node in statements:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    names[alias.name.split(".")[0]] = alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.name.split(".")
                package = parts if module.is_package else parts[:-1]
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                names[alias.asname or alias.name] = f"{base}:{alias.name}"
    return names


class Reader:
    def __init__(self) -> None:
        self.models = _models()
        self._modules: dict[str, _Module | None] = {}

    def module(self, name: str) -> _Module | None:
        if name not in self._modules:
            path = ROOT.joinpath(*name.split("."))
            if not name.startswith(PACKAGES):
                found = None
            elif path.with_suffix(".py").is_file():
                found = _Module(name, path.with_suffix(".py"))
            elif (path / "__init__.py").is_file():
                found = _Module(name, path / "__init__.py")
            else:
                found = None
            self._modules[name] = found
        return self._modules[name]

    def touches(self, entries: Iterable[str]) -> Touches:
        """What code reached from ``entries`` (``module`` or ``module:function``) touches."""
        walk = _Walk(self)
        for entry in entries:
            module, _, symbol = entry.partition(":")
            walk.reach(module, symbol or None)
        return walk.touches


class _Walk:
    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.touches = Touches()
        self.done: set[tuple[str, str | None]] = set()

    def reach(self, module_name: str, symbol: str | None = None) -> None:
        if (module_name, symbol) in self.done:
            return
        self.done.add((module_name, symbol))
        module = self.reader.module(module_name)
        if module is None:
            return
        if symbol is None:
            self._module_level(module)
            return
        self.reach(module_name)  # importing the module runs its top level
        if symbol in module.defs:
            self._body(module, module.defs[symbol], {})
        elif symbol in module.imports:  # re-exported from another module
            self._target(module.imports[symbol], [])
        elif self.reader.module(f"{module_name}.{symbol}"):
            self.reach(f"{module_name}.{symbol}")

    def _module_level(self, module: _Module) -> None:
        for target in module.imports.values():
            name, _, attribute = target.partition(":")
            submodule = f"{name}.{attribute}" if attribute else name
            self.reach(submodule if self.reader.module(submodule) else name)
        for node in module.tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                if node.decorator_list:  # registered where it is defined (routes, handlers)
                    self.reach(module.name, node.name)
                continue
            self._body(module, node, {})

    def _body(self, module: _Module, node: ast.AST, scope: dict[str, str]) -> None:
        local = {**scope, **_imports(_import_nodes(node), module)}
        for target in local.values():
            name, _, attribute = target.partition(":")
            submodule = f"{name}.{attribute}" if attribute else name
            self.reach(submodule if self.reader.module(submodule) else name)
        for child in ast.walk(node):
            if isinstance(getattr(child, "_parent", None), ast.Attribute):
                continue  # part of a longer chain, read whole below
            if isinstance(child, ast.Attribute) and isinstance(child.ctx, ast.Load):
                chain = _chain(child)
                if chain:
                    self._reference(module, local, chain, _use(child))
            elif isinstance(child, ast.Name) and isinstance(child.ctx, ast.Load):
                self._reference(module, local, [child.id], None)

    def _reference(
        self, module: _Module, local: dict[str, str], chain: list[str], use: str | None
    ) -> None:
        head, rest = chain[0], chain[1:]
        if head in local:
            self._target(local[head], rest, use)
        elif head in module.imports:
            self._target(module.imports[head], rest, use)
        elif head in module.defs:
            self._symbol(module.name, head, rest, use)

    def _target(self, target: str, rest: list[str], use: str | None = None) -> None:
        name, _, attribute = target.partition(":")
        if attribute and self.reader.module(f"{name}.{attribute}"):
            name, attribute = f"{name}.{attribute}", ""
        if not attribute:  # a module: what is named in it
            if rest:
                self._symbol(name, rest[0], rest[1:], use)
            else:
                self.reach(name)
            return
        self._symbol(name, attribute, rest, use)

    def _symbol(self, module_name: str, symbol: str, rest: list[str], use: str | None) -> None:
        module = self.reader.module(module_name)
        if module is not None and symbol not in module.defs and symbol in module.imports:
            self._target(module.imports[symbol], rest, use)  # re-exported
            return
        model = self.reader.models.get((module_name, symbol))
        if model is not None:
            self._model(model, rest, use)
        self.reach(module_name, symbol)

    def _model(self, model: _Model, rest: list[str], use: str | None) -> None:
        if rest[:1] == ["Meta"] and use != "handed":
            return
        touches = self.touches
        touches.tables.add(model.table)
        if rest and rest[0] in model.indexes:
            touches.indexes.add((model.table, model.indexes[rest[0]]))
        if rest[-1:] == ["scan"] or (rest[-1:] == ["count"] and use == "count()"):
            touches.scans.add(model.table)
        if rest[-1:] == ["batch_write"]:
            touches.batch_writes.add(model.table)


def _import_nodes(node: ast.AST) -> list[ast.stmt]:
    return [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]


def _chain(node: ast.Attribute) -> list[str]:
    """``a.b.c`` as ``["a", "b", "c"]``; empty when the base is not a plain name."""
    parts: list[str] = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        parts.append(current.attr)
        current = current.value
    if not isinstance(current, ast.Name):
        return []
    return [current.id, *reversed(parts)]


def _use(node: ast.Attribute) -> str | None:
    """How an attribute is used, where it matters: ``"count()"`` when called with no
    arguments (a count is a scan then, a query when given a hash key); ``"handed"`` when a
    table name is handed to a call as ``table_name=`` (another library, Powertools' idempotency
    layer, makes the calls)."""
    parent = getattr(node, "_parent", None)
    if isinstance(parent, ast.Call) and not parent.args and not parent.keywords:
        return f"{node.attr}()"
    if isinstance(parent, ast.keyword) and parent.arg in {"table_name", "TableName"}:
        return "handed"
    return None
