"""bench/scale.py's file handling (no timing): its section of bench/RESULTS.md is replaced without
the sections after it (the cluster's figures), and a worker's URL keeps the credentials."""

from __future__ import annotations

from bench.scale import CITUS_SECTION, SECTION, node_url, section_replaced

RESULTS = f"""# Results

## Pages

a table

{SECTION}

old figures

### a sub-section of it

old

## On a Citus cluster (schema-based sharding)

{CITUS_SECTION}

old cluster figures

### The demo tenant (earlier run)

kept
"""


def test_the_scaling_section_is_replaced_and_what_follows_it_stays():
    text = section_replaced(RESULTS, SECTION, f"{SECTION}\n\nnew figures\n")
    assert "new figures" in text and "old figures" not in text and "sub-section" not in text
    assert text.index("## Pages") < text.index("new figures") < text.index("## On a Citus")
    assert "old cluster figures" in text and "kept" in text


def test_the_cluster_section_is_replaced_up_to_the_next_heading_of_its_level():
    text = section_replaced(RESULTS, CITUS_SECTION, f"{CITUS_SECTION}\n\nnew cluster figures\n")
    assert "old cluster figures" not in text and "old figures" in text
    assert (
        text.index("new cluster figures") < text.index("### The demo tenant") < text.index("kept")
    )


def test_a_missing_section_is_added_at_the_end():
    text = section_replaced("# Results\n\nx\n", CITUS_SECTION, f"{CITUS_SECTION}\n\nfigures\n")
    assert text == f"# Results\n\nx\n\n{CITUS_SECTION}\n\nfigures\n"


def test_a_worker_url_keeps_the_user_and_password_and_names_the_database():
    url = node_url("postgres://crm:secret@10.0.0.1:9710/crm?sslmode=disable", "10.0.0.2", 5432, "x")
    assert url == "postgres://crm:secret@10.0.0.2:5432/x?sslmode=disable"
    assert node_url("postgres://10.0.0.1/crm", "w1", 9701, "x") == "postgres://w1:9701/x"


def test_the_rollback_undoes_exactly_the_last_migration_of_its_app():
    from django.db.migrations.loader import MigrationLoader

    from bench.scale import ROLLBACK_APP, rollback_target

    loader = MigrationLoader(None)
    (leaf,) = loader.graph.leaf_nodes(ROLLBACK_APP)
    app, name = rollback_target()
    assert app == ROLLBACK_APP and (app, name) in {
        parent.key for parent in loader.graph.node_map[leaf].parents
    }
