"""Staff tokens and widget keys in a URL never reach uvicorn's access log."""

from __future__ import annotations

import logging
import logging.config

import pytest

from shopkeeper.api.logs import ACCESS_LOGGER, log_config, redact


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("/ws?token=sk_ab_SECRET&conversation_id=c", "/ws?token=***&conversation_id=c"),
        ("/page?lang=zh&key=wk_1_SECRET", "/page?lang=zh&key=***"),
        ("/x?customer_id=b&signature=SECRET#top", "/x?customer_id=b&signature=***#top"),
        ("/x?Token=SECRET", "/x?Token=***"),
        ("/x?monkey=banana", "/x?monkey=banana"),
    ],
)
def test_redact(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_the_served_access_log_has_no_token() -> None:
    logging.config.dictConfig(log_config())  # what `shopkeeper serve` hands uvicorn
    logger = logging.getLogger(ACCESS_LOGGER)
    keep = _Keep()
    logger.addHandler(keep)
    try:  # the record exactly as uvicorn's access logger writes it
        logger.info(
            '%s - "%s %s HTTP/%s" %d',
            "10.0.0.7:5123",
            "GET",
            "/v1/stores/s/cs/ws?conversation_id=c1&token=sk_0123_SECRETVALUE",
            "1.1",
            101,
        )
    finally:
        logger.removeHandler(keep)
    assert keep.lines == [
        '10.0.0.7:5123 - "GET /v1/stores/s/cs/ws?conversation_id=c1&token=*** HTTP/1.1" 101'
    ]
