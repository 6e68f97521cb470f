// Query-string state that several controls change at once (a debounced search box and a picker).
// React Router's functional setSearchParams hands over the parameters of the last render, so two
// changes in one tick lose the first; reading the address bar itself keeps both.
import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';

export function useUrlParams(): [URLSearchParams, (change: (next: URLSearchParams) => void) => void] {
  const [params, setParams] = useSearchParams();
  const update = useCallback(
    (change: (next: URLSearchParams) => void) =>
      setParams(
        () => {
          const next = new URLSearchParams(window.location.search);
          change(next);
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  return [params, update];
}
