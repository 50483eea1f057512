-- Analyst views over the current version of every report (superseded_by IS NULL).
-- Wide views pivot the long `cells` table with FILTER aggregates; a NULL is a blank cell, never 0.
-- Column names are template codes (schemas/templates/template.toml); tests check they stay in step.

CREATE OR REPLACE VIEW current_reports AS
SELECT r.*, g.province, g.city, g.district, g.township, g.code AS region_code
FROM reports r
LEFT JOIN regions g ON g.region_id = r.region_id
WHERE r.superseded_by IS NULL;
COMMENT ON VIEW current_reports IS 'The current version of every report (failed ones included), with its region.';

CREATE OR REPLACE VIEW active_disclosure AS
SELECT
    r.report_id, r.issuer, r.province, r.city, r.district, r.township, r.year, r.variant_t2 AS variant,
    c.block, c.row_code, any_value(c.row_label) AS row_label, any_value(t.row_order) AS row_order,
    max(c.value) FILTER (WHERE c.col_code = 'made')            AS made,
    max(c.value) FILTER (WHERE c.col_code = 'published')       AS published,
    max(c.value) FILTER (WHERE c.col_code = 'public_total')    AS public_total,
    max(c.value) FILTER (WHERE c.col_code = 'prev_items')      AS prev_items,
    max(c.value) FILTER (WHERE c.col_code = 'delta')           AS delta,
    max(c.value) FILTER (WHERE c.col_code = 'procured_items')  AS procured_items,
    max(c.value) FILTER (WHERE c.col_code = 'procured_amount') AS procured_amount,
    max(c.value) FILTER (WHERE c.col_code = 'issued')          AS issued,
    max(c.value) FILTER (WHERE c.col_code = 'repealed')        AS repealed,
    max(c.value) FILTER (WHERE c.col_code = 'in_force')        AS in_force,
    max(c.value) FILTER (WHERE c.col_code = 'fee_amount')      AS fee_amount,
    max(c.value) FILTER (WHERE c.col_code = 'decisions')       AS decisions
FROM current_reports r
JOIN cells c ON c.report_id = r.report_id AND c.table_id = 't2'
LEFT JOIN template_rows t ON t.table_id = 't2' AND t.row_code = c.row_code
GROUP BY r.report_id, r.issuer, r.province, r.city, r.district, r.township, r.year, r.variant_t2, c.block, c.row_code;
COMMENT ON VIEW active_disclosure IS 'Table 2 (主动公开) wide: one row per current report and table row; columns are the column codes of both variants.';

CREATE OR REPLACE VIEW applications AS
SELECT
    r.report_id, r.issuer, r.province, r.city, r.district, r.township, r.year, r.variant_t3 AS variant,
    c.row_code, any_value(c.row_label) AS row_label, any_value(t.row_order) AS row_order,
    -- "natural" is an SQL keyword (NATURAL JOIN), so the 自然人 column is natural_person here.
    max(c.value) FILTER (WHERE c.col_code = 'natural')         AS natural_person,
    max(c.value) FILTER (WHERE c.col_code = 'business')        AS business,
    max(c.value) FILTER (WHERE c.col_code = 'research')        AS research,
    max(c.value) FILTER (WHERE c.col_code = 'public_interest') AS public_interest,
    max(c.value) FILTER (WHERE c.col_code = 'legal_service')   AS legal_service,
    max(c.value) FILTER (WHERE c.col_code = 'other_org')       AS other_org,
    max(c.value) FILTER (WHERE c.col_code = 'total')           AS total
FROM current_reports r
JOIN cells c ON c.report_id = r.report_id AND c.table_id = 't3'
LEFT JOIN template_rows t ON t.table_id = 't3' AND t.row_code = c.row_code
GROUP BY r.report_id, r.issuer, r.province, r.city, r.district, r.township, r.year, r.variant_t3, c.row_code;
COMMENT ON VIEW applications IS 'Table 3 (依申请公开) wide: one row per current report and table row, columns natural_person (code natural) … total.';

CREATE OR REPLACE VIEW review_litigation AS
SELECT
    r.report_id, r.issuer, r.province, r.city, r.district, r.township, r.year,
    max(c.value) FILTER (WHERE c.row_code = 'review' AND c.col_code = 'upheld')               AS review_upheld,
    max(c.value) FILTER (WHERE c.row_code = 'review' AND c.col_code = 'corrected')            AS review_corrected,
    max(c.value) FILTER (WHERE c.row_code = 'review' AND c.col_code = 'other')                AS review_other,
    max(c.value) FILTER (WHERE c.row_code = 'review' AND c.col_code = 'pending')              AS review_pending,
    max(c.value) FILTER (WHERE c.row_code = 'review' AND c.col_code = 'total')                AS review_total,
    max(c.value) FILTER (WHERE c.row_code = 'suit_direct' AND c.col_code = 'upheld')          AS suit_direct_upheld,
    max(c.value) FILTER (WHERE c.row_code = 'suit_direct' AND c.col_code = 'corrected')       AS suit_direct_corrected,
    max(c.value) FILTER (WHERE c.row_code = 'suit_direct' AND c.col_code = 'other')           AS suit_direct_other,
    max(c.value) FILTER (WHERE c.row_code = 'suit_direct' AND c.col_code = 'pending')         AS suit_direct_pending,
    max(c.value) FILTER (WHERE c.row_code = 'suit_direct' AND c.col_code = 'total')           AS suit_direct_total,
    max(c.value) FILTER (WHERE c.row_code = 'suit_after_review' AND c.col_code = 'upheld')    AS suit_after_review_upheld,
    max(c.value) FILTER (WHERE c.row_code = 'suit_after_review' AND c.col_code = 'corrected') AS suit_after_review_corrected,
    max(c.value) FILTER (WHERE c.row_code = 'suit_after_review' AND c.col_code = 'other')     AS suit_after_review_other,
    max(c.value) FILTER (WHERE c.row_code = 'suit_after_review' AND c.col_code = 'pending')   AS suit_after_review_pending,
    max(c.value) FILTER (WHERE c.row_code = 'suit_after_review' AND c.col_code = 'total')     AS suit_after_review_total
FROM current_reports r
JOIN cells c ON c.report_id = r.report_id AND c.table_id = 't4'
GROUP BY r.report_id, r.issuer, r.province, r.city, r.district, r.township, r.year;
COMMENT ON VIEW review_litigation IS 'Table 4 (行政复议、行政诉讼) wide: one row per current report, 15 columns <block>_<column>.';

CREATE OR REPLACE VIEW report_overview AS
WITH head AS (
    SELECT
        c.report_id,
        max(c.value) FILTER (WHERE c.table_id = 't3' AND c.row_code = 'new' AND c.col_code = 'total')        AS applications_new,
        max(c.value) FILTER (WHERE c.table_id = 't3' AND c.row_code = 'carried_in' AND c.col_code = 'total') AS applications_carried_in,
        max(c.value) FILTER (WHERE c.table_id = 't3' AND c.row_code = 'r7_total' AND c.col_code = 'total')   AS applications_handled,
        max(c.value) FILTER (WHERE c.table_id = 't3' AND c.row_code = 'carry_over' AND c.col_code = 'total') AS applications_carry_over,
        max(c.value) FILTER (WHERE c.table_id = 't4' AND c.row_code = 'review' AND c.col_code = 'total')     AS review_total,
        max(c.value) FILTER (WHERE c.table_id = 't4' AND c.row_code = 'suit_direct' AND c.col_code = 'total') AS suit_direct_total,
        max(c.value) FILTER (WHERE c.table_id = 't4' AND c.row_code = 'suit_after_review' AND c.col_code = 'total') AS suit_after_review_total,
        count(*) AS n_cells,
        count(c.value) AS n_values
    FROM cells c
    WHERE c.report_id IN (SELECT report_id FROM current_reports)
    GROUP BY c.report_id
), checks AS (
    SELECT
        report_id,
        count(*) FILTER (WHERE severity = 'error')   AS errors,
        count(*) FILTER (WHERE severity = 'warning') AS warnings,
        count(*) FILTER (WHERE severity = 'info')    AS infos
    FROM findings
    GROUP BY report_id
)
SELECT
    r.report_id, r.issuer, r.province, r.city, r.district, r.township, r.region_code, r.year,
    r.variant_t2, r.variant_t3, r.status, r.published, r.version, r.source, r.sha256,
    h.applications_new, h.applications_carried_in, h.applications_handled, h.applications_carry_over,
    h.review_total, h.suit_direct_total, h.suit_after_review_total,
    h.suit_direct_total + h.suit_after_review_total AS suits_total,
    coalesce(h.n_cells, 0) AS n_cells, coalesce(h.n_values, 0) AS n_values,
    coalesce(k.errors, 0) AS errors, coalesce(k.warnings, 0) AS warnings, coalesce(k.infos, 0) AS infos
FROM current_reports r
LEFT JOIN head h ON h.report_id = r.report_id
LEFT JOIN checks k ON k.report_id = r.report_id;
COMMENT ON VIEW report_overview IS 'One row per current report: issuer, region, year, headline figures (NULL where the cell is blank) and finding counts by severity.';
COMMENT ON COLUMN report_overview.applications_new IS 'Table 3 一、本年新收 总计.';
COMMENT ON COLUMN report_overview.applications_carried_in IS 'Table 3 二、上年结转 总计.';
COMMENT ON COLUMN report_overview.applications_handled IS 'Table 3 （七）总计 总计 (applications handled this year).';
COMMENT ON COLUMN report_overview.applications_carry_over IS 'Table 3 四、结转下年度继续办理 总计.';
COMMENT ON COLUMN report_overview.review_total IS 'Table 4 行政复议 总计.';
COMMENT ON COLUMN report_overview.suit_direct_total IS 'Table 4 行政诉讼 未经复议直接起诉 总计.';
COMMENT ON COLUMN report_overview.suit_after_review_total IS 'Table 4 行政诉讼 复议后起诉 总计.';
COMMENT ON COLUMN report_overview.suits_total IS 'suit_direct_total + suit_after_review_total; NULL if either is blank.';
COMMENT ON COLUMN report_overview.n_cells IS 'Cells extracted (blank ones included).';
COMMENT ON COLUMN report_overview.n_values IS 'Cells with a number (not blank).';
COMMENT ON COLUMN report_overview.errors IS 'Findings of severity error.';
COMMENT ON COLUMN report_overview.warnings IS 'Findings of severity warning.';
COMMENT ON COLUMN report_overview.infos IS 'Findings of severity info.';
COMMENT ON COLUMN active_disclosure.variant IS 'Table-2 variant of the report (2019 or 2021).';
COMMENT ON COLUMN active_disclosure.row_order IS 'Position of the row in the printed form (template_rows.row_order).';
COMMENT ON COLUMN applications.variant IS 'Table-3 variant of the report (2019 or 2021).';
COMMENT ON COLUMN applications.row_order IS 'Position of the row in the printed form (template_rows.row_order).';
COMMENT ON COLUMN current_reports.region_code IS 'regions.code (统计用区划代码) of the issuer.';
