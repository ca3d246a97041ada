"""casewatch's data plane: canonical tables in, result tables out. Never imports Django."""
