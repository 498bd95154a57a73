"""Past chats → ``chat_qa`` entries: what buyers asked and what the store's people answered.

Method, per conversation in time order (``sent_at``, then ``message_id``):

* the buyer's informative messages since the last human reply (at most the last two; small talk
  such as "好的" or "[图片]" is not a question) form the question, and the human agent's reply
  (consecutive agent messages joined) is the answer — the human answer is the source of truth;
* a question answered only by the bot gives no pair (``bot_only``), and an answer that reports
  an action the agent took ("已经为您修改地址") is not knowledge to repeat (``action_reports``);
* phones, street addresses and long numbers (orders, parcels) are masked in both texts;
* near-identical questions (same normalised text, or character-bigram Jaccard ≥ 0.8) are merged,
  keeping the most frequent answer; when the answers disagree because they depend on the listing
  ("这款的烘焙度是什么？") — answers agree per product though not overall — the group is split per
  product, each with its own most frequent answer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import duckdb

from shopkeeper.cs.kb.models import KbEntry, KbSource, make_entry
from shopkeeper.cs.kb.text import bigrams, mask_pii, normalise
from shopkeeper.text import detect_lang

SIMILAR = 0.8
AGREEMENT = 0.8
_SMALL_TALK = re.compile(
    r"^(?:好的|好吧|好|行|嗯+|哦+|谢谢|谢了|多谢|感谢|收到|在吗|在不在|你好|您好|亲|ok|okay|"
    r"thanks|thank you|thx|hi|hello|yes|no|图片|视频|表情|image|photo)+$",
    re.I,
)
_MEDIA = re.compile(r"\[(?:图片|视频|表情|语音|image|photo|video|sticker)\]", re.I)
_ACTION = re.compile(
    r"已(?:经)?(?:为您|帮您|给您|替您)|已为你|已帮你|已经给你|已登记|"
    r"\bI(?:'ve| have) (?:changed|updated|refunded|cancelled|canceled|sent|issued|arranged|registered)",
    re.I,
)


@dataclass
class _Pair:
    question: str
    answer: str
    product_id: str | None
    conversation_id: str
    message_id: str
    sent_at: dt.datetime


@dataclass
class _Group:
    key: str
    grams: set[str]
    pairs: list[_Pair] = field(default_factory=list)


def mine_pairs(con: duckdb.DuckDBPyConnection) -> tuple[list[_Pair], Counter[str]]:
    """Question → human answer pairs of every conversation, and counts of what was skipped."""
    rows = con.execute(
        "SELECT conversation_id, message_id, sent_at, sender, text, product_id FROM messages "
        "WHERE text IS NOT NULL ORDER BY conversation_id, sent_at, message_id"
    ).fetchall()
    pairs: list[_Pair] = []
    skipped: Counter[str] = Counter()
    pending: list[str] = []
    answer: list[tuple[str, str, dt.datetime]] = []
    conversation: str | None = None
    product: str | None = None
    bot_replied = False

    def close() -> None:
        nonlocal bot_replied
        if answer and pending and conversation is not None:
            text = " ".join(a[0] for a in answer)
            if _ACTION.search(text):
                skipped["action_reports"] += 1
            else:
                pairs.append(
                    _Pair(
                        mask_pii(" ".join(pending[-2:])),
                        mask_pii(text),
                        product,
                        conversation,
                        answer[0][1],
                        answer[-1][2],
                    )
                )
            pending.clear()
        elif pending and bot_replied and not answer:
            skipped["bot_only"] += 1
        answer.clear()
        bot_replied = False

    for conv, message_id, sent_at, sender, text, product_id in rows:
        if conv != conversation:
            close()
            pending.clear()
            conversation, product = conv, None
        product = product_id or product
        text = text.strip()
        if sender == "customer":
            if answer:
                close()
            cleaned = _MEDIA.sub("", text).strip()
            if cleaned and not _SMALL_TALK.match(re.sub(r"[\s\W_]+", "", cleaned.lower())):
                pending.append(cleaned)
        elif sender == "agent":
            answer.append((text, message_id, sent_at))
        else:
            bot_replied = True
    close()
    return pairs, skipped


def _group(pairs: list[_Pair]) -> list[_Group]:
    """Merge near-identical questions (most frequent forms first, so they become the keys)."""
    counts = Counter(normalise(p.question) for p in pairs)
    groups: list[_Group] = []
    index: dict[str, list[int]] = defaultdict(list)
    exact: dict[str, int] = {}
    for key, _ in counts.most_common():
        grams = bigrams(key)
        shared: Counter[int] = Counter()
        for gram in grams:
            shared.update(index.get(gram, ())[:500])
        best = None
        for gid, n in shared.most_common(20):
            jaccard = n / (len(grams) + len(groups[gid].grams) - n)
            if jaccard >= SIMILAR:
                best = gid
                break
        if best is None:
            best = len(groups)
            groups.append(_Group(key, grams))
            for gram in grams:
                index[gram].append(best)
        exact[key] = best
    for pair in pairs:
        groups[exact[normalise(pair.question)]].pairs.append(pair)
    return groups


def _entry(
    pairs: list[_Pair], store: str, product_id: str | None, titles: dict[str, str]
) -> KbEntry:
    answers = Counter(normalise(p.answer) for p in pairs)
    best_key, votes = answers.most_common(1)[0]
    chosen = [p for p in pairs if normalise(p.answer) == best_key]
    latest = max(chosen, key=lambda p: p.sent_at)
    question = Counter(p.question for p in pairs).most_common(1)[0][0]
    title = f"{question}（{titles.get(product_id, product_id)}）" if product_id else question
    return make_entry(
        kind="chat_qa",
        key=f"{normalise(question)}#{product_id or ''}",
        title=title,
        text=f"{question}\n{latest.answer}",
        store=store,
        source=KbSource(
            type="chat",
            table="messages",
            ref=f"messages:{latest.conversation_id}/{latest.message_id}",
        ),
        fields={
            "question": question,
            "answer": latest.answer,
            "asked": len(pairs),
            "answer_votes": votes,
            "product_id": product_id,
        },
        lang=detect_lang(question + latest.answer),
        updated_at=latest.sent_at,
    )


def chat_entries(
    con: duckdb.DuckDBPyConnection, store: str, titles: dict[str, str]
) -> tuple[list[KbEntry], dict[str, int]]:
    """The ``chat_qa`` entries of a store (``titles``: product id → title) and skip counts."""
    pairs, skipped = mine_pairs(con)
    entries = []
    for group in _group(pairs):
        answers = Counter(normalise(p.answer) for p in group.pairs)
        if answers.most_common(1)[0][1] >= AGREEMENT * len(group.pairs):
            entries.append(_entry(group.pairs, store, None, titles))
            continue
        by_product: dict[str | None, list[_Pair]] = defaultdict(list)
        for pair in group.pairs:
            by_product[pair.product_id].append(pair)
        agree = sum(
            Counter(normalise(p.answer) for p in ps).most_common(1)[0][1]
            for ps in by_product.values()
        )
        if agree >= AGREEMENT * len(group.pairs):
            entries += [_entry(ps, store, pid, titles) for pid, ps in by_product.items()]
        else:  # the answers disagree for no reason we can see: keep the most frequent one
            entries.append(_entry(group.pairs, store, None, titles))
    skipped["pairs"] = len(pairs)
    return entries, dict(skipped)
