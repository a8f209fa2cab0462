import type { ReactNode } from 'react';
import { useFocusIfLost } from './use-focus-if-lost';

interface PageSectionProps {
  /** Names the section's class (`devices-page`) and its heading id. */
  name: string;
  title: string;
  sub: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}

/** A page: its one h1, a line that sums it up, and the page's main actions on the right. */
export function PageSection({ name, title, sub, actions, children }: PageSectionProps) {
  const titleId = `${name}-title`;
  const heading = useFocusIfLost<HTMLHeadingElement>();
  return (
    <section className={`${name}-page`} aria-labelledby={titleId}>
      <div className="page-head">
        <div>
          <h1 id={titleId} ref={heading} tabIndex={-1}>
            {title}
          </h1>
          <p className="page-sub">{sub}</p>
        </div>
        {actions}
      </div>
      {children}
    </section>
  );
}
