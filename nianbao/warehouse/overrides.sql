-- Analysts' corrections (nianbao override): a value confirmed with the issuer replaces the printed
-- one as the ANALYSED value; the printed value stays in `cells` untouched. Keyed by report_key
-- (normalised issuer + year) and cell codes, not by report_id, so a correction survives reloads,
-- new versions and reprocessing. Undoing keeps the row (undone_at), so nothing is ever deleted.

CREATE TABLE IF NOT EXISTS overrides (
    override_id INTEGER PRIMARY KEY,
    report_key  VARCHAR NOT NULL,
    issuer      VARCHAR,
    year        INTEGER,
    table_id    VARCHAR NOT NULL,
    row_code    VARCHAR NOT NULL,
    col_code    VARCHAR NOT NULL,
    value       DOUBLE NOT NULL,
    reason      VARCHAR NOT NULL,
    made_by     VARCHAR NOT NULL,
    made_at     TIMESTAMP NOT NULL,
    undone_at   TIMESTAMP,
    undone_by   VARCHAR
);
COMMENT ON TABLE overrides IS 'Corrections confirmed with the issuer (nianbao override): who, when, why; applied as the analysed value, never replacing the printed one.';
COMMENT ON COLUMN overrides.override_id IS 'Number of the correction (nianbao override --undo ID).';
COMMENT ON COLUMN overrides.report_key IS 'reports.report_key the correction applies to, in every version of the report.';
COMMENT ON COLUMN overrides.issuer IS 'Issuer of the report when the correction was made.';
COMMENT ON COLUMN overrides.year IS 'Report year.';
COMMENT ON COLUMN overrides.table_id IS 't2, t3 or t4.';
COMMENT ON COLUMN overrides.row_code IS 'Template row code.';
COMMENT ON COLUMN overrides.col_code IS 'Template column code.';
COMMENT ON COLUMN overrides.value IS 'The analysed value.';
COMMENT ON COLUMN overrides.reason IS 'Why (e.g. confirmed by phone with the township office).';
COMMENT ON COLUMN overrides.made_by IS 'Who made the correction.';
COMMENT ON COLUMN overrides.made_at IS 'When (UTC).';
COMMENT ON COLUMN overrides.undone_at IS 'When the correction was withdrawn (UTC); NULL while it applies.';
COMMENT ON COLUMN overrides.undone_by IS 'Who withdrew it.';

CREATE OR REPLACE VIEW active_overrides AS
SELECT * FROM overrides WHERE undone_at IS NULL
QUALIFY row_number() OVER (PARTITION BY report_key, table_id, row_code, col_code ORDER BY override_id DESC) = 1;
COMMENT ON VIEW active_overrides IS 'The correction in force for each cell: the latest one not undone.';

-- Findings judged again on corrected values (warehouse/corrections.py, after every correction, undo
-- and load): a finding a correction answers gets a row here and is no longer open; the finding
-- itself stays in `findings`, so the history is kept. A finding the corrected values raise anew is
-- stored in `findings` with origin `correction`.
CREATE TABLE IF NOT EXISTS findings_answered (
    report_id    BIGINT NOT NULL,
    seq          INTEGER NOT NULL,
    override_ids INTEGER[] NOT NULL,
    judged_at    TIMESTAMP NOT NULL
);
COMMENT ON TABLE findings_answered IS 'Findings a correction answers (status 已更正 / corrected): judged again on the corrected values, they no longer hold. The finding stays in findings.';
COMMENT ON COLUMN findings_answered.report_id IS 'findings.report_id of the answered finding.';
COMMENT ON COLUMN findings_answered.seq IS 'findings.seq of the answered finding.';
COMMENT ON COLUMN findings_answered.override_ids IS 'overrides.override_id of the corrections that answer it.';
COMMENT ON COLUMN findings_answered.judged_at IS 'When it was judged (UTC).';
