"""Skip logic and constraints: the subset of XLSForm (XPath 1.0) expressions casewatch evaluates.

pyxform checks and converts XLSForms but does not evaluate expressions; ODK clients and Enketo do.
Our mobile form is a small page without a framework, so an expression is parsed once on the server
into a JSON tree that both the server (validation of submissions) and the page (`form.js`, showing
and hiding questions) evaluate with the same rules.

Supported: ``${name}``, ``.`` (the current answer, in constraints), string and number literals,
``= != < <= > >=``, ``+ - * div mod``, ``and``, ``or``, parentheses, and the functions
``selected(a, b)``, ``count-selected(a)``, ``not(a)``, ``string-length(a)``, ``number(a)``,
``true()``, ``false()``. Anything else is refused when the instrument is imported, with the reason.

Semantics follow XPath 1.0 where it matters for skip logic: an unanswered question is the empty
string; comparing with a number converts to a number (the empty string is NaN, so ``=`` and ``<``
are false and ``!=`` is true); a multiple choice is the space-separated list of chosen values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<ref>\$\{[A-Za-z_][\w.-]*\})"
    r"|(?P<num>\d+(?:\.\d+)?|\.\d+)"
    r"|(?P<str>'[^']*'|\"[^\"]*\")"
    r"|(?P<op><=|>=|!=|=|<|>|\+|-|\*|\(|\)|,)"
    r"|(?P<name>[A-Za-z_][\w-]*)"
    r"|(?P<dot>\.)"
    r")"
)

FUNCTIONS = {
    "selected": 2,
    "count-selected": 1,
    "not": 1,
    "string-length": 1,
    "number": 1,
    "true": 0,
    "false": 0,
}


class ExpressionError(ValueError):
    """An expression outside the supported subset, or malformed."""


def _tokenise(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ExpressionError(f"cannot read {text[pos : pos + 12]!r}")
        pos = m.end()
        kind = m.lastgroup
        tokens.append((kind, m.group(kind)))
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokenise(text)
        self.i = 0

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None)

    def take(self, kind=None, value=None):
        tok = self.peek()
        if tok[0] is None or (kind and tok[0] != kind) or (value and tok[1] != value):
            raise ExpressionError(f"expected {value or kind}, found {tok[1]!r}")
        self.i += 1
        return tok

    def at(self, kind, *values) -> bool:
        tok = self.peek()
        return tok[0] == kind and (not values or tok[1] in values)

    def parse(self):
        node = self.or_expr()
        if self.i != len(self.tokens):
            raise ExpressionError(f"unexpected {self.peek()[1]!r}")
        return node

    def or_expr(self):
        node = self.and_expr()
        while self.at("name", "or"):
            self.take()
            node = ["or", node, self.and_expr()]
        return node

    def and_expr(self):
        node = self.cmp_expr()
        while self.at("name", "and"):
            self.take()
            node = ["and", node, self.cmp_expr()]
        return node

    def cmp_expr(self):
        node = self.add_expr()
        if self.at("op", "=", "!=", "<", "<=", ">", ">="):
            op = self.take()[1]
            node = ["cmp", op, node, self.add_expr()]
        return node

    def add_expr(self):
        node = self.mul_expr()
        while self.at("op", "+", "-"):
            op = self.take()[1]
            node = ["arith", op, node, self.mul_expr()]
        return node

    def mul_expr(self):
        node = self.unary()
        while self.at("op", "*") or self.at("name", "div", "mod"):
            op = self.take()[1]
            node = ["arith", op, node, self.unary()]
        return node

    def unary(self):
        if self.at("op", "-"):
            self.take()
            return ["neg", self.unary()]
        return self.primary()

    def primary(self):
        kind, value = self.peek()
        if kind == "num":
            self.take()
            return ["num", float(value)]
        if kind == "str":
            self.take()
            return ["str", value[1:-1]]
        if kind == "ref":
            self.take()
            return ["ref", value[2:-1]]
        if kind == "dot":
            self.take()
            return ["self"]
        if kind == "op" and value == "(":
            self.take()
            node = self.or_expr()
            self.take("op", ")")
            return node
        if kind == "name":
            self.take()
            if value not in FUNCTIONS:
                raise ExpressionError(f"unsupported function or name {value!r}")
            self.take("op", "(")
            args = []
            if not self.at("op", ")"):
                args.append(self.or_expr())
                while self.at("op", ","):
                    self.take()
                    args.append(self.or_expr())
            self.take("op", ")")
            if len(args) != FUNCTIONS[value]:
                raise ExpressionError(f"{value}() takes {FUNCTIONS[value]} argument(s)")
            return ["call", value, args]
        raise ExpressionError(f"unexpected {value!r}" if value else "unexpected end of expression")


def parse(text: str) -> list | None:
    """The JSON tree of an expression, or None for an empty one. Raises ExpressionError."""
    if not text or not text.strip():
        return None
    return _Parser(text).parse()


def references(tree) -> set[str]:
    """The question names an expression refers to."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, list):
            if len(node) == 2 and node[0] == "ref" and isinstance(node[1], str):
                found.add(node[1])
                return
            for part in node:
                walk(part)

    walk(tree)
    return found


def conjoin(*texts: str) -> str:
    """Combine relevance expressions with ``and`` (a group's relevance and an item's)."""
    parts = [t.strip() for t in texts if t and t.strip()]
    if len(parts) <= 1:
        return parts[0] if parts else ""
    return " and ".join(f"({p})" for p in parts)


# --- evaluation -------------------------------------------------------------------------------


def _number(value) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, list):
        value = " ".join(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return math.nan


def _string(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _truthy(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, list):
        return bool(value)
    return bool(value)


def _is_numeric(node) -> bool:
    return (
        isinstance(node, list)
        and node[0] in ("num", "arith", "neg")
        or (
            isinstance(node, list)
            and node[0] == "call"
            and node[1] in ("count-selected", "string-length", "number")
        )
    )


def evaluate(tree, values: Mapping[str, object], current=None):
    """Evaluate a tree against answers (name → string, or list of strings for multiple choice)."""
    if tree is None:
        return True
    op = tree[0]
    if op == "num":
        return tree[1]
    if op == "str":
        return tree[1]
    if op == "ref":
        value = values.get(tree[1])
        return "" if value is None else value
    if op == "self":
        return "" if current is None else current
    if op == "or":
        return _truthy(evaluate(tree[1], values, current)) or _truthy(evaluate(tree[2], values, current))
    if op == "and":
        return _truthy(evaluate(tree[1], values, current)) and _truthy(evaluate(tree[2], values, current))
    if op == "neg":
        return -_number(evaluate(tree[1], values, current))
    if op == "arith":
        a, b = _number(evaluate(tree[2], values, current)), _number(evaluate(tree[3], values, current))
        try:
            return {
                "+": a + b,
                "-": a - b,
                "*": a * b,
                "div": a / b if b else math.nan,
                "mod": math.fmod(a, b) if b else math.nan,
            }[tree[1]]
        except (ValueError, OverflowError):
            return math.nan
    if op == "cmp":
        sym, left, right = tree[1], tree[2], tree[3]
        a, b = evaluate(left, values, current), evaluate(right, values, current)
        numeric = sym in ("<", "<=", ">", ">=") or _is_numeric(left) or _is_numeric(right)
        if numeric:
            x, y = _number(a), _number(b)
            if math.isnan(x) or math.isnan(y):
                return sym == "!="
            return {"=": x == y, "!=": x != y, "<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[sym]
        x, y = _string(a), _string(b)
        return x == y if sym == "=" else x != y
    if op == "call":
        name, args = tree[1], [evaluate(a, values, current) for a in tree[2]]
        if name == "selected":
            chosen = args[0] if isinstance(args[0], list) else _string(args[0]).split()
            return _string(args[1]) in chosen
        if name == "count-selected":
            return float(len(args[0] if isinstance(args[0], list) else _string(args[0]).split()))
        if name == "not":
            return not _truthy(args[0])
        if name == "string-length":
            return float(len(_string(args[0])))
        if name == "number":
            return _number(args[0])
        if name == "true":
            return True
        if name == "false":
            return False
    raise ExpressionError(f"cannot evaluate {op!r}")


def holds(tree, values: Mapping[str, object], current=None) -> bool:
    """True when the expression (relevance or constraint) is satisfied; an empty one always is."""
    return tree is None or _truthy(evaluate(tree, values, current))
