"""``shopkeeper ask`` and ``shopkeeper chat``: talk to the store's AI team."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from shopkeeper.agents.conversations import new_id, record_turn
from shopkeeper.agents.service import ask as ask_team
from shopkeeper.cli.common import (
    ExistingStoreOpt,
    FormatOpt,
    OutputFormat,
    app_context,
    console,
    print_json,
    user_lang,
)

ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        "-m",
        help="provider:model, e.g. dashscope:qwen-plus or ollama:qwen2.5 (default: SHOPKEEPER_MODEL, else offline).",
    ),
]
LangOpt = Annotated[
    str | None,
    typer.Option("--lang", help="Answer in zh or en (default: the question's language)."),
]


def _check_lang(lang: str | None) -> None:
    if lang not in (None, "zh", "en"):
        raise typer.BadParameter(f"use zh or en, not {lang!r}", param_hint="--lang")


def ask(
    question: Annotated[str, typer.Argument(help="What to ask, in Chinese or English.")],
    store: ExistingStoreOpt,
    fmt: FormatOpt = OutputFormat.text,
    model: ModelOpt = None,
    lang: LangOpt = None,
) -> None:
    """Ask the team once; the answer cites the numbers and skills it rests on."""
    _check_lang(lang)
    if not question.strip():
        raise typer.BadParameter(
            "问题是空的：请写下要问的事，例如 '上周卖了多少'"
            if user_lang() == "zh"
            else "the question is empty: write what to ask, e.g. 'what were sales last week'",
            param_hint="QUESTION",
        )
    result = ask_team(app_context(), store, question, model=model, lang=lang)
    if fmt is OutputFormat.json:
        print_json({"answer": result.answer, "skills": result.skills, "run_id": result.run_id})
        return
    console.print(result.answer, highlight=False, markup=False)
    console.print(f"[dim]run {result.run_id}[/]")


def chat(store: ExistingStoreOpt, model: ModelOpt = None, lang: LangOpt = None) -> None:
    """A conversation with the team, answers streamed as they are written (empty line or 'exit' ends)."""
    _check_lang(lang)
    console.print(
        "[bold]Shopkeeper[/] — 问我店铺的任何事 / ask about your store (exit 退出)", highlight=False
    )
    app = app_context()  # one operational database for the whole conversation
    conversation = new_id()  # follow-ups refine the previous turn
    while True:
        try:
            line = console.input("[bold cyan]> [/]").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if not line or line.lower() in ("exit", "quit", "退出"):
            break

        def write(text: str) -> None:
            sys.stdout.write(text)
            sys.stdout.flush()

        result = ask_team(
            app,
            store,
            line,
            model=model,
            lang=lang,
            on_text=write,
            conversation_id=conversation,
        )
        record_turn(app.engine, store, conversation, result.run_id, asked_by="cli")
        tail = result.answer.rsplit("\n\n", 1)[-1] if result.skills else ""
        if tail:
            write("\n\n" + tail)
        console.print(f"\n[dim]run {result.run_id}[/]")
