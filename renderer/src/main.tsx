import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { App } from './App';
import { useApp } from './store';
import './styles.css';

// zod would probe `new Function` for speed; the CSP forbids eval, so say so up front instead of logging violations.
z.config({ jitless: true });
void useApp.getState().start();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
