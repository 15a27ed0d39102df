#include "cxlsx.h"

#include <stdlib.h>
#include <xlsxwriter.h>

int cxlsx_write_table(const char *path, const char *sheet, int columns, const char *const *headers, int rows,
                      const char *const *cells, const unsigned char *numeric) {
    lxw_workbook *workbook = workbook_new(path);
    if (workbook == NULL) return LXW_ERROR_CREATING_XLSX_FILE;
    lxw_worksheet *worksheet = workbook_add_worksheet(workbook, sheet);
    lxw_format *bold = workbook_add_format(workbook);
    if (bold != NULL) format_set_bold(bold);
    int error = worksheet == NULL || bold == NULL ? LXW_ERROR_MEMORY_MALLOC_FAILED : LXW_NO_ERROR;
    for (int c = 0; c < columns && error == LXW_NO_ERROR; c++) {
        error = worksheet_write_string(worksheet, 0, (lxw_col_t)c, headers[c], bold);
    }
    for (int r = 0; r < rows && error == LXW_NO_ERROR; r++) {
        for (int c = 0; c < columns && error == LXW_NO_ERROR; c++) {
            const char *text = cells[(size_t)r * (size_t)columns + (size_t)c];
            if (text == NULL || text[0] == '\0') continue;
            if (numeric[c]) {
                error = worksheet_write_number(worksheet, (lxw_row_t)(r + 1), (lxw_col_t)c, strtod(text, NULL), NULL);
            } else {
                error = worksheet_write_string(worksheet, (lxw_row_t)(r + 1), (lxw_col_t)c, text, NULL);
            }
        }
    }
    if (error == LXW_NO_ERROR) worksheet_freeze_panes(worksheet, 1, 0);
    /* Closing writes the file; it frees the workbook whatever happened before. */
    int closed = workbook_close(workbook);
    return error != LXW_NO_ERROR ? error : closed;
}
