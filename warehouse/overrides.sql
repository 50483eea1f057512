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

CREATE OR REPLACE VIEW cells_analysed AS
SELECT c.report_id, c.part_report_id, c.part, c.table_id, c.block, c.row_code, c.col_code, c.row_label, c.col_label,
       c.value AS printed, c.raw, c.unit, c.page, c.provenance,
       CASE WHEN o.override_id IS NULL THEN c.value ELSE o.value END AS analysed,
       o.override_id, o.reason AS override_reason, o.made_by AS override_by
FROM current_cells c
LEFT JOIN active_overrides o
  ON o.report_key = c.report_key AND o.table_id = c.table_id AND o.row_code = c.row_code AND o.col_code = c.col_code;
COMMENT ON VIEW cells_analysed IS 'Cells of current reports (current_cells: each table from the part that carries it) with both values: printed (as extracted) and analysed (a correction where one applies).';
COMMENT ON COLUMN cells_analysed.part_report_id IS 'reports.report_id of the part (document, page, attachment) the cell was read from.';
COMMENT ON COLUMN cells_analysed.part IS 'The part the cell was read from.';
COMMENT ON COLUMN cells_analysed.printed IS 'The value as printed (cells.value): NULL for a blank or a marker.';
COMMENT ON COLUMN cells_analysed.analysed IS 'The value analysts use: the correction where one applies, else the printed value.';
COMMENT ON COLUMN cells_analysed.override_id IS 'overrides.override_id of the correction applied, NULL when none.';
COMMENT ON COLUMN cells_analysed.override_reason IS 'Why the cell was corrected.';
COMMENT ON COLUMN cells_analysed.override_by IS 'Who corrected it.';
