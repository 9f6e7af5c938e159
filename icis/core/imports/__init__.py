"""The import kit: what every spreadsheet import in ICIS shares (docs/imports.md says how to write one).

1. `inspection.inspect_upload` refuses hostile or unreadable files before any parser sees them.
2. `reading.read_table` finds the header row (Vietnamese or English headers, `Schema`) and streams the rows.
3. `cells` reads each cell: decimals with a comma or a point (icis/core/formats.py), dd/mm/yyyy dates,
   yes/no, codes from lookup tables loaded once.
4. `problems`: one error shape (sheet, row, column letter, header, message) and the `Outcome` of a run.
5. `marked.marked_workbook` hands the workbook back with the errors marked in its cells.
6. `fastxlsx` streams an inspected .xlsx (lxml iterparse, values only); `bulk` cleans and records the history of
   objects written in bulk, as the services would.
7. `spill` keeps what the rows below must know of the rows above (keys, first rows, names) on disk, in a
   temporary SQLite table with one batch's keys in a dict in front of it: memory flat in the file's size.

The importer itself (icis/tenancy/imports.py, icis/environment/services.py) owns its columns, its lookups
and its writes; it runs every row inside one transaction that a check always rolls back and an import keeps
only when every row went in, as a job (icis/core/jobs.py) whose failure leaves no row behind.
"""
