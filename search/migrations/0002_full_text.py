"""The full-text index, per database (search/models.py says why it is not a model field).

PostgreSQL: ``vector``, generated from the terms with the 'simple' configuration (the terms are
already segmented and stemmed: no dictionary of its own), title terms weighted A and text terms D,
under a GIN index. SQLite: an FTS5 table over search_document's terms (external content: the text
is stored once), kept in step by triggers.
"""

from django.db import migrations

from search.migrations._full_text import SQLITE_TRIGGERS

POSTGRESQL = [
    """ALTER TABLE search_document ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title_terms), 'A')
        || setweight(to_tsvector('simple'::regconfig, body_terms), 'D')) STORED""",
    "CREATE INDEX search_document_vector ON search_document USING GIN (vector)",
]
POSTGRESQL_BACK = ["DROP INDEX search_document_vector", "ALTER TABLE search_document DROP COLUMN vector"]

SQLITE = [
    """CREATE VIRTUAL TABLE search_document_fts USING fts5(
        title_terms, body_terms, content='search_document', content_rowid='id', tokenize='unicode61')""",
    *SQLITE_TRIGGERS,
    "INSERT INTO search_document_fts (search_document_fts) VALUES ('rebuild')",
]
SQLITE_BACK = [
    "DROP TRIGGER search_document_fts_insert", "DROP TRIGGER search_document_fts_delete",
    "DROP TRIGGER search_document_fts_update", "DROP TABLE search_document_fts",
]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(_run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
                             _run({"postgresql": POSTGRESQL_BACK, "sqlite": SQLITE_BACK})),
    ]
