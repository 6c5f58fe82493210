import ExcelJS from 'exceljs';

/** Advisory lock of the test files that write the global reference tables. */
export const REF_DATA_LOCK = 4_004_004;

/** An XLSX in the shape of INSEE's AAV 2020 file: 5 title lines, then the variable codes. */
export async function aavWorkbook(areas: [string, string, string][], communes: [string, string, string, number][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const title = (ws: ExcelJS.Worksheet) => {
    ws.addRow(['Base des aires d’attraction des villes 2020']);
    ws.addRow(['Découpage au 1er janvier 2024']);
    ws.addRow(['Source : Insee']);
    ws.addRow([]);
    ws.addRow(['Libellés longs des variables']);
  };
  const a = wb.addWorksheet('AAV2020');
  title(a);
  a.addRow(['AAV2020', 'LIBAAV2020', 'TAAV2017', 'TDAAV2017', 'NB_COM']);
  for (const [code, name, t] of areas) a.addRow([code, name, t, '', 1]);
  const c = wb.addWorksheet('Composition_communale');
  title(c);
  c.addRow(['CODGEO', 'LIBGEO', 'AAV2020', 'LIBAAV2020', 'CATEAAV2020', 'DEP', 'REG']);
  for (const [code, name, aav, cat] of communes) c.addRow([code, name, aav, '', cat, code.slice(0, 2), '75']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

