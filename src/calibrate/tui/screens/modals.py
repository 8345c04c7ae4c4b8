"""Small modal dialogs that return typed results."""

from __future__ import annotations

from collections.abc import Collection

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option


class ConfirmModal(ModalScreen[bool]):
    """Ask before something that cannot be undone."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "Cancel") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="question")
            with Horizontal(classes="buttons"):
                yield Button(rf"{self.yes} \[y]", variant="warning", id="yes")
                yield Button(rf"{self.no} \[n]", id="no")

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class ChoiceModal(ModalScreen[int | None]):
    """Pick one of several options by arrow keys and Enter; returns the option's id."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, prompt: str, options: list[tuple[int, str]]) -> None:
        super().__init__()
        self.prompt = prompt
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.prompt, classes="question")
            yield OptionList(*[Option(text, id=str(key)) for key, text in self.options])

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        assert event.option.id is not None
        self.dismiss(int(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextModal(ModalScreen[str | None]):
    """Ask for one line of text (a rationale, an annotation)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, prompt: str, *, placeholder: str = "", value: str = "") -> None:
        super().__init__()
        self.prompt = prompt
        self.placeholder = placeholder
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.prompt, classes="question")
            yield Input(self.value, placeholder=self.placeholder)
            yield Static("Enter saves · Escape cancels", classes="hint")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())
        else:
            self.notify("Write something first, or press Escape.", severity="warning")

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickModal(ModalScreen[list[int] | None]):
    """Tick several options (space or click), then Enter; returns the ticked options' ids."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "done", "Done", priority=True),
    ]

    def __init__(
        self, prompt: str, options: list[tuple[int, str]], *, ticked: Collection[int] = ()
    ) -> None:
        super().__init__()
        self.prompt = prompt
        self.options = options
        self.ticked = set(ticked)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.prompt, classes="question")
            yield SelectionList[int](
                *[(text, key, key in self.ticked) for key, text in self.options]
            )
            yield Static("Space ticks · Enter starts · Escape cancels", classes="hint")

    def action_done(self) -> None:
        chosen = self.query_one(SelectionList).selected
        if not chosen:
            self.notify("Tick at least one item (space), or press Escape.", severity="warning")
            return
        self.dismiss(sorted(chosen))

    def action_cancel(self) -> None:
        self.dismiss(None)
