"""``python -m shopkeeper.cli``: the same CLI as the ``shopkeeper`` command."""

from shopkeeper.cli.main import app

if __name__ == "__main__":
    app()
