import { startApp } from './app.ts';
import './style.css';

const root = document.getElementById('app');
if (!root) throw new Error('the page has no #app element');
const tiles = new URLSearchParams(window.location.search).get('tiles');
startApp(root, { tilesUrl: tiles && tiles.trim() !== '' ? tiles.trim() : null });
