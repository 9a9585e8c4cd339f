/** First byte the host may use: everything above belongs to the host's layout. */
export function heapBase(): usize {
  return __heap_base;
}
