import { useEffect, useRef } from 'react';

/**
 * Focuses the returned element when it appears at a moment the keyboard
 * focus has nowhere to be (on the page body): after the control that had it
 * went away, such as a resolved conflict's buttons or the enrol form.
 * Where focus still has a home, it is left alone.
 */
export function useFocusIfLost<E extends HTMLElement>() {
  const ref = useRef<E>(null);
  useEffect(() => {
    if (document.activeElement === document.body || document.activeElement === null) ref.current?.focus({ preventScroll: true });
  }, []);
  return ref;
}
