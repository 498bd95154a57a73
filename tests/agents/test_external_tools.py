"""Tools of an external MCP server the owner lists in SHOPKEEPER_HOME/mcp_servers.toml join the
team (through `ask`); a store folder's own [[mcp_servers]] never run."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from shopkeeper.agents.service import ask
from shopkeeper.llm.base import ToolCall
from shopkeeper.llm.testing import ScriptedModel
from shopkeeper.settings import Settings
from shopkeeper.store.importer import MCP_IGNORED, import_store

from ..conftest import StoreBuilder
from ..contexts import app_context
from .test_mcp_tools import SERVER


def _route(task: str) -> ToolCall:
    return ToolCall(
        id="r",
        name="route",
        arguments={"decision": "plan", "steps": [{"employee": "orders", "task": task}]},
    )


def test_an_owner_listed_mcp_tool_is_offered_and_called(
    sk_home: Settings, tiny_store: StoreBuilder, tmp_path: Path
) -> None:
    script = tmp_path / "erp_server.py"
    script.write_text(SERVER, encoding="utf-8")
    sk_home.mcp_servers_file.write_text(
        f'[[stores.shop.mcp_servers]]\nname = "erp"\ntransport = "stdio"\n'
        f"command = {json.dumps([sys.executable, str(script)])}\n",
        encoding="utf-8",
    )
    import_store(tiny_store(), "shop", settings=sk_home)
    model = ScriptedModel(
        [
            [_route("ERP 库存")],
            [ToolCall(id="t", name="erp__stock_level", arguments={"sku": "S1"})],
            "ERP 显示 42 件",
        ]
    )
    result = ask(app_context(sk_home), "shop", "ERP 里 S1 还有多少库存", model=model)
    offered = {t.name for t in model.requests[1].tools}
    assert {"erp__stock_level", "erp__ping"} <= offered
    assert result.skills == ["erp__stock_level"]
    assert '"on_hand": 42' in model.requests[2].messages[-1].content


def test_a_store_folder_cannot_run_a_command(
    sk_home: Settings, tiny_store: StoreBuilder, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    command = [sys.executable, "-c", f"open({str(marker)!r}, 'w').write('ran')"]
    folder = tiny_store()
    toml = folder / "store.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8")
        + f'\n[[mcp_servers]]\nname = "erp"\ntransport = "stdio"\ncommand = {json.dumps(command)}\n',
        encoding="utf-8",
    )
    report = import_store(folder, "shop", settings=sk_home)
    assert MCP_IGNORED in report.warnings
    model = ScriptedModel([[_route("ERP 库存")], "没有 ERP"])
    ask(app_context(sk_home), "shop", "ERP 里 S1 还有多少库存", model=model)
    assert not any(t.name.startswith("erp__") for t in model.requests[1].tools)
    assert not marker.exists()
