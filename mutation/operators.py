"""Mutants of one module: small AST edits, each named so that the name survives other edits.

A mutant is one change to the parsed module: an operator swapped, a constant nudged, a
statement replaced by ``pass``. Module-level data is mutated too (the core keeps its rules in
tables: the GSM-7 alphabet, the charset aliases, the part capacities), which is why this tool
exists rather than a tool that mutates only inside functions.

Not mutated, because a change there is no change of behaviour or is covered elsewhere:
docstrings and other bare string statements, a bare ``...``, the classes that subclass
``typing.Protocol`` (shapes for the type checker: their bodies never run), annotations (strings
at run time under ``from __future__ import annotations``), decorators, ``__slots__`` and
``__all__``, and every statement on a line marked ``pragma: no cover``.

A mutant's key is ``module:scope:kind:n``: the scope is the enclosing function or class
(``Timeline.start``), or the name assigned at module level (``CHARSETS``); ``n`` counts that
kind of mutant in that scope in source order, so editing one function renames no mutant of
another.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass

#: Operator swaps: the usual off-by-one and sign slips.
_BINARY: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.Div,
    ast.Pow: ast.Mult,
    ast.BitOr: ast.BitAnd,
    ast.BitAnd: ast.BitOr,
    ast.BitXor: ast.BitAnd,
    ast.LShift: ast.RShift,
    ast.RShift: ast.LShift,
}
_COMPARE: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
_BOOL: dict[type[ast.boolop], type[ast.boolop]] = {ast.And: ast.Or, ast.Or: ast.And}
#: Statements a mutant may replace by ``pass`` (inside functions only: at module level a
#: missing name fails every import, which tells nothing).
_DELETABLE = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Raise, ast.Continue)
_DECLARATIONS = frozenset({"__slots__", "__all__"})
_PRAGMA = "pragma: no cover"


@dataclass(frozen=True, slots=True)
class Mutant:
    """One mutation point of a module: where it is and what it changes."""

    module: str  # path inside the package, e.g. core/encoding.py
    scope: str
    kind: str
    n: int
    line: int
    before: str
    after: str

    @property
    def key(self) -> str:
        """The stable name equivalent.txt lists mutants by."""
        return f"{self.module}:{self.scope}:{self.kind}:{self.n}"

    def describe(self) -> str:
        """One line for the report: where, and the source before and after."""
        where = f"{self.module}:{self.line}"
        change = f"{self.scope}:{self.kind}:{self.n}"
        return f"{where}  {change}  {_short(self.before)}  ->  {_short(self.after)}"


def _short(source: str, width: int = 70) -> str:
    flat = " ".join(source.split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


def _name(op: ast.AST) -> str:
    return type(op).__name__


class _Walker(ast.NodeTransformer):
    """Visits every mutation point in a fixed order; applies point ``target`` if given.

    Children are visited before their parent, in both modes, so point numbers agree between
    the pass that lists mutants and the pass that applies one.
    """

    def __init__(self, module: str, lines: list[str], target: int | None) -> None:
        self.module = module
        self.lines = lines
        self.target = target
        self.points = 0
        self.found: list[Mutant] = []
        self._scopes: list[str] = []
        self._counts: Counter[tuple[str, str]] = Counter()
        self._in_function = 0

    # -- bookkeeping ---------------------------------------------------------------------------

    def _scope(self) -> str:
        return ".".join(self._scopes) or "<module>"

    def _point(self, node: ast.AST, kind: str, mutated: ast.AST) -> ast.AST:
        """Count one mutation point; return ``mutated`` if it is the target, else ``node``."""
        index = self.points
        self.points += 1
        if self.target is None:
            scope = self._scope()
            self._counts[(scope, kind)] += 1
            self.found.append(
                Mutant(
                    module=self.module,
                    scope=scope,
                    kind=kind,
                    n=self._counts[(scope, kind)],
                    line=getattr(node, "lineno", 0),
                    before=ast.unparse(node),
                    after=ast.unparse(mutated),
                )
            )
            return node
        if index == self.target:
            return ast.copy_location(mutated, node)
        return node

    def _skipped(self, node: ast.stmt) -> bool:
        return _PRAGMA in self.lines[node.lineno - 1]

    def _body(self, body: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in body:
            if self._skipped(stmt) or _is_inert(stmt) or _declares(stmt):
                out.append(stmt)
                continue
            new = self.visit(stmt)
            if self._in_function and isinstance(new, _DELETABLE):
                new = self._point(new, f"del:{type(stmt).__name__}", ast.Pass())
            out.append(new)
        return out

    # -- scopes --------------------------------------------------------------------------------

    def visit_Module(self, node: ast.Module) -> ast.AST:
        for i, stmt in enumerate(node.body):
            names: list[str] = []
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
            self._scopes.extend(names[:1])
            node.body[i] = self._body([stmt])[0]
            del self._scopes[len(self._scopes) - len(names[:1]) :]
        return node

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
        self._scopes.append(node.name)
        self._in_function += 1
        # Defaults are behaviour; annotations, decorators and the docstring are not.
        node.args.defaults = [self.visit(d) for d in node.args.defaults]
        node.args.kw_defaults = [d if d is None else self.visit(d) for d in node.args.kw_defaults]
        node.body = self._body(node.body)
        self._in_function -= 1
        self._scopes.pop()
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return self._function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        return self._function(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        if any(_names_protocol(base) for base in node.bases):
            return node  # a typing.Protocol declares shapes: none of its bodies ever runs
        self._scopes.append(node.name)
        outer, self._in_function = self._in_function, 0
        node.bases = [self.visit(base) for base in node.bases]
        node.body = self._body(node.body)
        self._in_function = outer
        self._scopes.pop()
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        if node.value is not None:
            node.value = self.visit(node.value)
        return node

    def visit_arg(self, node: ast.arg) -> ast.AST:
        return node

    # Statements with bodies: their nested statements may be deleted too.
    def _nested(self, node: ast.stmt) -> ast.AST:
        for field in ("body", "orelse", "finalbody"):
            if hasattr(node, field):
                setattr(node, field, self._body(getattr(node, field)))
        for name, value in ast.iter_fields(node):
            if name in ("body", "orelse", "finalbody", "handlers"):
                continue
            if isinstance(value, ast.AST):
                setattr(node, name, self.visit(value))
            elif isinstance(value, list):
                setattr(node, name, [self.visit(v) if isinstance(v, ast.AST) else v for v in value])
        if isinstance(node, ast.Try):
            for handler in node.handlers:
                handler.body = self._body(handler.body)
        return node

    def visit_If(self, node: ast.If) -> ast.AST:
        return self._nested(node)

    def visit_For(self, node: ast.For) -> ast.AST:
        return self._nested(node)

    def visit_While(self, node: ast.While) -> ast.AST:
        return self._nested(node)

    def visit_With(self, node: ast.With) -> ast.AST:
        return self._nested(node)

    def visit_Try(self, node: ast.Try) -> ast.AST:
        return self._nested(node)

    # -- mutation points -----------------------------------------------------------------------

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        swap = _BINARY.get(type(node.op))
        if swap is None:
            return node
        mutated = ast.BinOp(left=node.left, op=swap(), right=node.right)
        return self._point(node, f"{_name(node.op)}->{swap.__name__}", mutated)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        self.generic_visit(node)
        swap = _BINARY.get(type(node.op))
        if swap is None:
            return node
        mutated = ast.AugAssign(target=node.target, op=swap(), value=node.value)
        return self._point(node, f"{_name(node.op)}=->{swap.__name__}=", mutated)

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        result: ast.AST = node
        for i, op in enumerate(node.ops):
            swap = _COMPARE.get(type(op))
            if swap is None:
                continue
            ops = list(node.ops)
            ops[i] = swap()
            mutated = ast.Compare(left=node.left, ops=ops, comparators=node.comparators)
            applied = self._point(node, f"{_name(op)}->{swap.__name__}", mutated)
            if applied is not node:
                result = applied
        return result

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        swap = _BOOL[type(node.op)]
        mutated = ast.BoolOp(op=swap(), values=node.values)
        return self._point(node, f"{_name(node.op)}->{swap.__name__}", mutated)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, (ast.Not, ast.USub)):
            return self._point(node, f"drop:{_name(node.op)}", node.operand)
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        value = node.value
        if isinstance(value, bool):
            return self._point(node, f"{value}->{not value}", ast.Constant(not value))
        if isinstance(value, (int, float)):
            return self._point(node, "num:+1", ast.Constant(value + 1))
        if isinstance(value, str):
            result = self._point(node, "str:wrap", ast.Constant(f"XX{value}XX"))
            if len(value) >= 2:
                dropped = self._point(node, "str:drop1", ast.Constant(value[1:]))
                if dropped is not node:
                    result = dropped
            return result
        return node


def _is_inert(stmt: ast.stmt) -> bool:
    """A docstring or other bare string, or a bare ``...``: deleting it changes nothing."""
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and (isinstance(stmt.value.value, str) or stmt.value.value is Ellipsis)
    )


def _names_protocol(base: ast.expr) -> bool:
    """``Protocol``, ``typing.Protocol`` or ``Protocol[T]`` as a class's base."""
    if isinstance(base, ast.Subscript):
        base = base.value
    return (isinstance(base, ast.Name) and base.id == "Protocol") or (
        isinstance(base, ast.Attribute) and base.attr == "Protocol"
    )


def _declares(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id in _DECLARATIONS for t in stmt.targets
    )


def mutants(source: str, module: str) -> list[Mutant]:
    """Every mutant of ``source`` (the text of ``module``), in a fixed order."""
    walker = _Walker(module, source.splitlines(), None)
    walker.visit(ast.parse(source))
    return walker.found


def mutate(source: str, module: str, index: int) -> ast.Module:
    """The module with mutant number ``index`` (its place in :func:`mutants`) applied."""
    walker = _Walker(module, source.splitlines(), index)
    tree = walker.visit(ast.parse(source))
    assert isinstance(tree, ast.Module)
    return ast.fix_missing_locations(tree)
