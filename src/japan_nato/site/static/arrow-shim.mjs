// DuckDB-WASM imports "apache-arrow" as a module; the vendored Arrow build is a classic script that
// defines globalThis.Arrow (loaded first by sql.html). The import map points "apache-arrow" here.
const Arrow = globalThis.Arrow;
export default Arrow;
export const {
  Table, RecordBatch, RecordBatchReader, RecordBatchStreamWriter, RecordBatchFileWriter, Schema, Field, Vector,
  Type, DataType, Data, makeData, makeTable, makeVector, tableFromArrays, tableFromIPC, tableToIPC, vectorFromArray,
  Bool, Int8, Int16, Int32, Int64, Uint8, Uint16, Uint32, Uint64, Float16, Float32, Float64, Utf8, LargeUtf8, Binary,
  DateDay, DateMillisecond, TimestampSecond, TimestampMillisecond, TimestampMicrosecond, TimestampNanosecond,
  Decimal, List, Struct, Null, Dictionary, Interval, Time, Timestamp, Date_, util,
} = Arrow;
