"""Alembic's entry point: runs the migrations on the connection ``emotionpix.migrations``
passes in (the app's engine, or a scratch database when writing a revision)."""

from alembic import context

from emotionpix.migrations import VERSION_TABLE, target_metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `emotionpix db upgrade`, not the alembic command")
context.configure(
    connection=connection,
    target_metadata=target_metadata(),
    version_table=VERSION_TABLE,
    render_as_batch=True,  # SQLite alters a table by copying it
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
