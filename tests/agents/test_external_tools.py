"""Tools of an external MCP server listed in store.toml join the team (through `ask`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from shopkeeper.agents.service import ask
from shopkeeper.llm.base import ToolCall
from shopkeeper.llm.testing import ScriptedModel
from shopkeeper.settings import Settings
from shopkeeper.store.importer import import_store

from ..conftest import StoreBuilder
from .test_mcp_tools import SERVER


def test_a_store_listed_mcp_tool_is_offered_and_called(
    sk_home: Settings, tiny_store: StoreBuilder, tmp_path: Path
) -> None:
    script = tmp_path / "erp_server.py"
    script.write_text(SERVER, encoding="utf-8")
    folder = tiny_store()
    toml = folder / "store.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8")
        + f'\n[[mcp_servers]]\nname = "erp"\ntransport = "stdio"\ncommand = {json.dumps([sys.executable, str(script)])}\n',
        encoding="utf-8",
    )
    import_store(folder, "shop", settings=sk_home)
    model = ScriptedModel(
        [
            [
                ToolCall(
                    id="r",
                    name="route",
                    arguments={
                        "decision": "plan",
                        "steps": [{"employee": "orders", "task": "ERP 库存"}],
                    },
                )
            ],
            [ToolCall(id="t", name="erp__stock_level", arguments={"sku": "S1"})],
            "ERP 显示 42 件",
        ]
    )
    result = ask(sk_home, "shop", "ERP 里 S1 还有多少库存", model=model)
    offered = {t.name for t in model.requests[1].tools}
    assert {"erp__stock_level", "erp__ping"} <= offered
    assert result.skills == ["erp__stock_level"]
    assert '"on_hand": 42' in model.requests[2].messages[-1].content
