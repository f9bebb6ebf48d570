// Tabs: a row of tab buttons (arrow keys, Home and End move between them) and the panel they
// control; the panel is the caller's, given tabPanelProps.
import { useRef, type KeyboardEvent } from "react";

interface TabsProps<T extends string> {
  id: string;
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (v: T) => void;
}

export function Tabs<T extends string>({ id, label, value, options, onChange }: TabsProps<T>) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = options.findIndex((o) => o.value === value);
    let next = -1;
    if (e.key === "ArrowRight") next = (i + 1) % options.length;
    else if (e.key === "ArrowLeft") next = (i - 1 + options.length) % options.length;
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = options.length - 1;
    if (next < 0) return;
    e.preventDefault();
    onChange(options[next].value);
    refs.current[next]?.focus();
  };
  return (
    <div className="score-tabs" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
      {options.map((o, i) => (
        <button
          key={o.value}
          ref={(el) => {
            refs.current[i] = el;
          }}
          type="button"
          role="tab"
          id={`${id}-tab-${o.value}`}
          aria-selected={o.value === value}
          aria-controls={`${id}-panel`}
          tabIndex={o.value === value ? 0 : -1}
          className={o.value === value ? "score-tab active" : "score-tab"}
          onClick={() => onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}

export function tabPanelProps(id: string, value: string) {
  return { id: `${id}-panel`, role: "tabpanel", "aria-labelledby": `${id}-tab-${value}`, tabIndex: 0 } as const;
}
