"""The anchor library as a tree: rubric version → criterion → level → anchors.

Every level is listed; a level with no anchor says "no anchor yet". Which branches are folded is
kept when the tree is rebuilt (after approving or retiring an anchor, or toggling the filter).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from calibrate.domain.model import AnchorStatus
from calibrate.services.meeting.anchors import AnchorEntry, CriterionShelf, LevelShelf, RubricShelf

STATUS_STYLE = {
    AnchorStatus.PROPOSED: "italic",
    AnchorStatus.APPROVED: "bold",
    AnchorStatus.RETIRED: "dim strike",
}


@dataclass(frozen=True)
class Place:
    """Where a tree node sits; ``entry`` is set on anchor nodes only."""

    rubric: RubricShelf
    criterion: CriterionShelf | None = None
    level: LevelShelf | None = None
    entry: AnchorEntry | None = None

    @property
    def key(self) -> str:
        """Stable across rebuilds: ``r1``, ``r1/claim``, ``r1/claim/3``, ``a7``."""
        if self.entry is not None:
            return f"a{self.entry.id}"
        parts = [f"r{self.rubric.rubric.id}"]
        if self.criterion is not None:
            parts.append(self.criterion.criterion.key)
        if self.level is not None:
            parts.append(str(self.level.level.score))
        return "/".join(parts)


class AnchorTree(Tree[Place]):
    """Shows the library; ``show(shelves)`` rebuilds it, keeping folds and the cursor's place."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("Anchor library", id=id)
        self.show_root = False
        self.guide_depth = 3
        self._folded: set[str] = set()

    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed[Place]) -> None:
        if event.node.data is not None:
            self._folded.add(event.node.data.key)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Place]) -> None:
        if event.node.data is not None:
            self._folded.discard(event.node.data.key)

    @property
    def place(self) -> Place | None:
        """The place under the cursor."""
        node = self.cursor_node
        return node.data if node is not None else None

    def show(self, shelves: Sequence[RubricShelf], *, keep: str | None = None) -> None:
        """Rebuild from ``shelves``; put the cursor on the node whose key is ``keep`` (or the
        place it was on) if it is still there."""
        current = self.place
        wanted = [keep] if keep else []
        if current is not None:  # the place itself, else the nearest branch still shown
            wanted += [
                current.key,
                Place(current.rubric, current.criterion, current.level).key,
                Place(current.rubric, current.criterion).key,
                Place(current.rubric).key,
            ]
        self.clear()
        self.cursor_line = -1  # clear() keeps the old line (and node); start afresh
        nodes: dict[str, TreeNode[Place]] = {}
        for rubric in shelves:
            r_node = self._branch(self.root, _rubric_label(rubric), Place(rubric), nodes)
            for criterion in rubric.criteria:
                c_place = Place(rubric, criterion)
                c_node = self._branch(r_node, _criterion_label(criterion), c_place, nodes)
                for level in criterion.levels:
                    l_place = Place(rubric, criterion, level)
                    if not level.anchors:
                        leaf = c_node.add_leaf(_level_label(level), l_place)
                        nodes[l_place.key] = leaf
                        continue
                    l_node = self._branch(c_node, _level_label(level), l_place, nodes)
                    for entry in level.anchors:
                        a_place = Place(rubric, criterion, level, entry)
                        nodes[a_place.key] = l_node.add_leaf(_anchor_label(entry), a_place)
        target = next((nodes[k] for k in wanted if k in nodes), None)
        if target is None and self.root.children:
            target = self.root.children[0]
        if target is not None:
            self.call_after_refresh(self._land_on, target)

    def _branch(
        self,
        parent: TreeNode[Place],
        label: Text,
        place: Place,
        nodes: dict[str, TreeNode[Place]],
    ) -> TreeNode[Place]:
        node = parent.add(label, place, expand=place.key not in self._folded)
        nodes[place.key] = node
        return node

    def _land_on(self, node: TreeNode[Place]) -> None:
        parent = node.parent
        while parent is not None and parent is not self.root:
            parent.expand()
            parent = parent.parent
        self.call_after_refresh(self.move_cursor, node)

    def select_key(self, key: str) -> bool:
        """Move the cursor to the node with this key; False if there is none."""
        for node in self._all_nodes():
            if node.data is not None and node.data.key == key:
                self._land_on(node)
                return True
        return False

    def _all_nodes(self) -> list[TreeNode[Place]]:
        out: list[TreeNode[Place]] = []
        stack = list(reversed(self.root.children))
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(node.children))
        return out


def _rubric_label(shelf: RubricShelf) -> Text:
    n = shelf.n_anchors
    text = Text(shelf.label, style="bold")
    text.append(f"  {n} anchor{'s' if n != 1 else ''}", "dim")
    return text


def _criterion_label(shelf: CriterionShelf) -> Text:
    text = Text(shelf.criterion.name, style="bold")
    if shelf.n_missing:
        text.append(f"  {shelf.n_missing} without an anchor", "dim")
    return text


def _level_label(shelf: LevelShelf) -> Text:
    text = Text(f"{shelf.level.score} · {shelf.level.label}")
    if not shelf.anchors:
        text.append("  no anchor yet", "italic yellow")
    if shelf.hidden_retired:
        text.append(f"  ({shelf.hidden_retired} retired, hidden)", "dim")
    return text


def _anchor_label(entry: AnchorEntry) -> Text:
    text = Text(entry.sample.title, style=STATUS_STYLE[entry.anchor.status])
    text.append(f"  {entry.anchor.status.value} · {entry.date}", "dim")
    return text
