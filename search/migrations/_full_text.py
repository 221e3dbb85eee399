"""The SQLite FTS5 triggers that keep search_document_fts in step with search_document (0002 creates
them; a migration that makes Django rebuild search_document on SQLite drops them, and the index's entries of
the rows before: it runs ``restore_sqlite_index``)."""

SQLITE_TRIGGERS = [
    """CREATE TRIGGER search_document_fts_insert AFTER INSERT ON search_document BEGIN
        INSERT INTO search_document_fts (rowid, title_terms, body_terms)
        VALUES (new.id, new.title_terms, new.body_terms); END""",
    """CREATE TRIGGER search_document_fts_delete AFTER DELETE ON search_document BEGIN
        INSERT INTO search_document_fts (search_document_fts, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms); END""",
    """CREATE TRIGGER search_document_fts_update AFTER UPDATE OF title_terms, body_terms ON search_document BEGIN
        INSERT INTO search_document_fts (search_document_fts, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms);
        INSERT INTO search_document_fts (rowid, title_terms, body_terms)
        VALUES (new.id, new.title_terms, new.body_terms); END""",
]


def restore_sqlite_index(apps, schema_editor):
    """The triggers again, and the FTS5 index rebuilt from search_document: the rebuild of the table
    loses both (the rows keep their ids, but the index no longer finds those written before)."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in ("insert", "delete", "update"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS search_document_fts_{name}")
    for sql in SQLITE_TRIGGERS:
        schema_editor.execute(sql)
    schema_editor.execute("INSERT INTO search_document_fts (search_document_fts) VALUES ('rebuild')")
