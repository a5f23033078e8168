"""An *allowlist* contract type for import-linter.

The built-in ``forbidden`` contract is a denylist: anything not named is allowed.  This
contract is the opposite: a group of modules may import only what is listed, and every
other direct import breaks the contract.

Register it and use it in ``[tool.importlinter]``::

    contract_types = ["allowlist: contracts.allowlist.AllowlistContract"]

    [[tool.importlinter.contracts]]
    name = "service uses only the audio.text facade"
    type = "allowlist"
    source_modules = ["service"]
    allowed_modules = ["flask", "sqlalchemy"]
    allowed_exact_modules = ["audio.text"]

(``lint-imports`` puts its working directory on ``sys.path``, so running it from the
repository root is enough for ``contracts`` to be importable.)

Options:

- ``source_modules`` (required): the modules whose imports are checked.  Each one
  includes its descendants.  Wildcard expressions (``pkg.*``, ``pkg.**``) are accepted
  like in the built-in contracts.  Each entry must exist in the graph: a typo would
  otherwise silently check nothing.
- ``allowed_modules`` (optional): names whose whole *subtree* may be imported: the
  module itself and all its descendants.  Internal or external.
- ``allowed_exact_modules`` (optional): names that may be imported *only themselves*,
  not their descendants.  ``allowed_exact_modules = ["audio.text"]`` allows
  ``from audio.text import split_sentences`` but not ``from audio.text.numbers import x``.
  Use it for facades.
- ``excluded_modules`` (optional): subtrees carved out of everything else.  Their
  modules are not checked as importers, even inside a source subtree, and are never
  allowed as imports, even inside a source subtree or an allowed subtree (an exclusion
  beats every allow rule, the standard library included).  ``source_modules =
  ["service"]`` with ``excluded_modules = ["service.web"]`` checks every present and
  future module of ``service`` except the ``service.web`` shell, and forbids them to
  import it.  Internal entries must exist (a misspelled exclusion would fail open);
  external ones need not.
- ``ignore_imports`` (optional): import expressions to ignore, as in the built-ins.
- ``unmatched_ignore_imports_alerting`` (optional): ``error`` (default), ``warn`` or
  ``none``, as in the built-ins.
- ``broken_contract_guidance`` (optional): text printed after the violations.

A direct import from a source module (or a descendant of one), outside the excluded
subtrees, to module ``M`` is allowed if, and only if, ``M`` is not in an excluded subtree
and one of these holds:

1. ``M`` is inside one of the ``source_modules`` subtrees (a group may import itself);
2. ``M`` equals, or descends from, an ``allowed_modules`` entry;
3. ``M`` equals an ``allowed_exact_modules`` entry;
4. ``M`` is external (outside the root packages) and its top-level name is in
   ``sys.stdlib_module_names``.

Everything else is reported as ``importer -> imported (line N)``.

Facades and grimp: for ``from audio.text import normalize`` grimp records an import of the
*submodule* ``audio.text.normalize`` whenever such a submodule exists, even if the facade
rebinds ``normalize`` to a function (``audio/text/__init__.py`` does exactly that).  So
that using a facade's public API is not reported, an import of ``P.name``, where ``P`` is
an ``allowed_exact_modules`` entry, is treated as an import of ``P`` itself when, on that
line, the importer's source is ``from P import ..., name, ...`` (absolute or relative) and
``P``'s ``__init__.py`` lists ``name`` in a literal ``__all__``.  ``from P.name import x``,
``import P.name`` and ``from P import not_exported`` are still reported.  If either source
file cannot be found or parsed, the import is reported (the check never fails open).

Only direct imports are checked: an allowed module may itself import anything (it has its
own contract, or none).  Names in the two allowed lists need not exist: allowing a module
another branch is still creating is harmless, because an entry naming a module that is not
in the graph matches no import and so lets nothing through (run ``lint-imports --verbose``
to list such entries).

Because grimp records external packages under their top-level name only, the top-level
configuration must set ``include_external_packages = true`` (otherwise external imports
would not be seen at all), and external allowed entries must be top-level names:
``sqlalchemy``, not ``sqlalchemy.orm``.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils
from importlinter.application.contract_utils import AlertLevel
from importlinter.domain.contract import InvalidContractOptions
from importlinter.domain.helpers import module_expressions_to_modules

__all__ = ["AllowlistContract"]

STDLIB_MODULE_NAMES: frozenset[str] = frozenset(sys.stdlib_module_names)


def _in_subtree(name: str, root: str) -> bool:
    """Whether `name` is `root` or one of its descendants."""
    return name == root or name.startswith(root + ".")


def _format_lines(line_numbers: Iterable[int | None]) -> str:
    known = sorted({n for n in line_numbers if n is not None})
    if not known:
        return "line ?"
    if len(known) == 1:
        return f"line {known[0]}"
    return "lines " + ", ".join(str(n) for n in known)


def _module_file(name: str) -> Path | None:
    """The source file of internal module `name`, found without importing anything: only
    the top-level package is located (as grimp does), the rest is a path walk."""
    root, *rest = name.split(".")
    try:
        spec = importlib.util.find_spec(root)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        base = Path(location).joinpath(*rest)
        candidates = [base / "__init__.py"] + ([base.with_suffix(".py")] if rest else [])
        for candidate in candidates:
            if candidate.is_file():
                return candidate
    return None


def _parse(path: Path | None) -> ast.Module | None:
    if path is None:
        return None
    try:
        return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None


def _literal_all(tree: ast.Module | None) -> frozenset[str]:
    """The names in a module-level ``__all__ = [...]`` (or tuple) of string literals."""
    for node in tree.body if tree is not None else ():
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        is_all = any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets)
        if is_all and isinstance(value, ast.List | ast.Tuple):
            return frozenset(
                e.value
                for e in value.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            )
    return frozenset()


class AllowlistContract(Contract):
    """Source modules may directly import only their own subtree, the allowed modules and
    the standard library.  See the module docstring for the options and exact rules."""

    type_name = "allowlist"

    source_modules = fields.ListField(subfield=fields.ModuleExpressionField())
    allowed_modules = fields.ListField(subfield=fields.ModuleField(), required=False)
    allowed_exact_modules = fields.ListField(subfield=fields.ModuleField(), required=False)
    excluded_modules = fields.ListField(subfield=fields.ModuleField(), required=False)
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(AlertLevel, default=AlertLevel.ERROR)
    broken_contract_guidance = fields.TextField(required=False)

    def __init__(
        self, name: str, session_options: dict[str, Any], contract_options: dict[str, Any]
    ) -> None:
        # Parsed sources, keyed by module name: {name: (tree, is_package)}; facade exports.
        self._sources: dict[str, tuple[ast.Module | None, bool]] = {}
        self._exports: dict[str, frozenset[str]] = {}
        super().__init__(name, session_options, contract_options)

    def _option(self, field_name: str) -> Any:
        """A parsed option (the fields set instance attributes of these names)."""
        return vars(self).get(field_name)

    # -- configuration -------------------------------------------------------------

    def _root_packages(self) -> list[str]:
        roots = self.session_options.get("root_packages")
        if roots is None:
            root = self.session_options.get("root_package")
            roots = [root] if root else []
        return [str(r) for r in roots]

    def _is_internal(self, name: str) -> bool:
        return any(_in_subtree(name, root) for root in self._root_packages())

    def _subtree_names(self) -> list[str]:
        return [m.name for m in self._option("allowed_modules") or ()]

    def _exact_names(self) -> list[str]:
        return [m.name for m in self._option("allowed_exact_modules") or ()]

    def _excluded_names(self) -> list[str]:
        return [m.name for m in self._option("excluded_modules") or ()]

    def _is_excluded(self, name: str) -> bool:
        return any(_in_subtree(name, e) for e in self._excluded_names())

    def validate(self) -> None:
        errors: dict[str, str] = {}
        if str(self.session_options.get("include_external_packages")).lower() != "true":
            errors["type"] = (
                "The allowlist contract needs include_external_packages = true in the top-level "
                "configuration, otherwise imports of external packages cannot be checked."
            )
        for field_name, names in (
            ("allowed_modules", self._subtree_names()),
            ("allowed_exact_modules", self._exact_names()),
            ("excluded_modules", self._excluded_names()),
        ):
            bad = [n for n in names if "." in n and not self._is_internal(n)]
            if bad:
                errors[field_name] = (
                    f"External packages are only known by their top-level name; "
                    f"use e.g. {bad[0].split('.')[0]!r} instead of {bad[0]!r}."
                )
        if errors:
            raise InvalidContractOptions(errors)

    # -- checking ----------------------------------------------------------------------

    def _is_allowed(self, imported: str, sources: list[str]) -> bool:
        if any(_in_subtree(imported, s) for s in sources):
            return True
        if any(_in_subtree(imported, a) for a in self._subtree_names()):
            return True
        if imported in self._exact_names():
            return True
        return not self._is_internal(imported) and imported.split(".")[0] in STDLIB_MODULE_NAMES

    def _is_facade_reexport(self, importer: str, imported: str, line_number: int | None) -> bool:
        """Whether grimp's `importer -> imported` at `line_number` is really
        ``from P import name`` of a name that facade ``P`` exports (see module docstring)."""
        facade, _, name = imported.rpartition(".")
        if not facade or facade not in self._exact_names() or line_number is None:
            return False
        if name not in self._facade_exports(facade):
            return False
        return name in self._names_imported_from(importer, facade, line_number)

    def _facade_exports(self, facade: str) -> frozenset[str]:
        if facade not in self._exports:
            path = _module_file(facade)
            is_package = path is not None and path.name == "__init__.py"
            self._exports[facade] = _literal_all(_parse(path)) if is_package else frozenset()
        return self._exports[facade]

    def _names_imported_from(self, importer: str, module: str, line_number: int) -> set[str]:
        """Names bound by ``from <module> import ...`` statements starting at `line_number`
        of `importer`'s source (relative forms resolved against `importer`)."""
        if importer not in self._sources:
            path = _module_file(importer)
            is_package = path is not None and path.name == "__init__.py"
            self._sources[importer] = (_parse(path), is_package)
        tree, is_package = self._sources[importer]
        if tree is None:
            return set()
        package = importer if is_package else importer.rpartition(".")[0]
        names: set[str] = set()
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or node.lineno != line_number:
                continue
            if node.level:
                parts = package.split(".") if package else []
                if node.level - 1 >= len(parts):  # beyond the top-level package
                    continue
                parts = parts[: len(parts) - (node.level - 1)]
                resolved = ".".join([*parts, *([node.module] if node.module else [])])
            else:
                resolved = node.module or ""
            if resolved == module:
                names |= {alias.name for alias in node.names}
        return names

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        import_removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=self._option("ignore_imports"),
            unmatched_alerting=self._option("unmatched_ignore_imports_alerting"),
        )
        sources = sorted(
            m.name
            for m in module_expressions_to_modules(
                graph,
                self._option("source_modules"),
                raise_if_unmatched=True,
            )
        )
        for name in self._excluded_names():
            if self._is_internal(name) and name not in graph.modules:
                raise ValueError(f"Excluded module '{name}' does not exist.")
        for name in self._subtree_names() + self._exact_names():
            if self._is_internal(name) and name not in graph.modules:
                output.verbose_print(verbose, f"Allowed module {name} is not in the graph (yet).")

        importers: set[str] = set()
        for source in sources:
            importers.add(source)
            if not graph.is_module_squashed(source):
                importers |= graph.find_descendants(source)
        importers = {m for m in importers if not self._is_excluded(m)}

        violations: list[dict[str, Any]] = []
        for importer in sorted(importers):
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                excluded = self._is_excluded(imported)
                if not excluded and self._is_allowed(imported, sources):
                    continue
                details = graph.get_import_details(importer=importer, imported=imported)
                line_numbers = [
                    d["line_number"]
                    for d in details
                    if excluded
                    or not self._is_facade_reexport(importer, imported, d["line_number"])
                ]
                if details and not line_numbers:
                    output.verbose_print(
                        verbose, f"{importer} -> {imported}: a facade export, allowed."
                    )
                    continue
                violations.append(
                    {
                        "importer": importer,
                        "imported": imported,
                        "line_numbers": tuple(line_numbers),
                    }
                )
        output.verbose_print(
            verbose,
            f"Checked {len(importers)} modules, {len(violations)} import(s) outside the allowlist.",
        )
        return ContractCheck(
            kept=not violations,
            warnings=list(import_removal.warnings),
            ignored_import_count=import_removal.ignored_import_count,
            metadata={"violations": violations},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        violations = check.metadata["violations"]
        output.print_error("Imports outside the allowlist:", bold=True)
        output.new_line()
        for v in violations:
            output.print_error(
                f"-   {v['importer']} -> {v['imported']} ({_format_lines(v['line_numbers'])})",
                bold=False,
            )
        output.new_line()
        contract_utils.render_broken_contract_guidance(self._option("broken_contract_guidance"))
