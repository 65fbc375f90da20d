# Run from the repository root. Prerequisites: Odoo 18.0 Community installed for python3,
# PostgreSQL 15 (see README.md).
.PHONY: demo test score revenue-days lint lint-oca format bench clean-db

demo:  ## build (or reuse) the demo database kam_demo and serve it on 127.0.0.1:8069
	bash scripts/demo.sh

test:  ## fresh test database, all tests (pytest-odoo), ruff
	bash scripts/test.sh

score:  ## run the scoring by hand on kam_demo (DB=<name> for another database)
	bash scripts/score.sh $(DB)

revenue-days:  ## check the scoring's revenue days against the journal items, rebuild them and check again (DB=<name>; default kam_demo)
	bash scripts/revenue_days.sh $(DB)

lint:
	ruff check addons tests scripts
	ruff format --check addons tests scripts

lint-oca:  ## OCA conformance (pylint-odoo, oca-checks-odoo-module, oca-checks-po; pinned in .pre-commit-config.yaml); FILES=<paths> narrows it
	bash scripts/lint_oca.sh $(FILES)

format:
	ruff format addons tests scripts
	ruff check --fix addons tests scripts

clean-db:  ## drop the demo and test databases (the base template is kept)
	dropdb --if-exists kam_demo
	dropdb --if-exists kam_test
	dropdb --if-exists kam_test_stock
	dropdb --if-exists kam_test_queue

bench:  ## benchmark databases kam_bench (100k customers, 2M lines) and kam_bench10k, add-ons updated, one table in docs/benchmarks.md; BENCH_REBUILD=1 regenerates; BENCH_ONLY=model (or full,floor,naive,incremental,days,memory,list,startpage,queue, comma-separated) runs only those rows
	bash scripts/bench.sh
