#ifndef CXLSX_H
#define CXLSX_H

/* The one thing the service asks of libxlsxwriter (Debian's libxlsxwriter-dev): a workbook of one worksheet holding a
 * table — a bold header row, then the rows. Cells are given as text; a column marked numeric is written as numbers
 * (the text read with strtod), so a spreadsheet sums it. Returns 0, or libxlsxwriter's error code. */
int cxlsx_write_table(const char *path, const char *sheet, int columns, const char *const *headers, int rows,
                      const char *const *cells, const unsigned char *numeric);

#endif
