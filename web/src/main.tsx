import { startEarly } from './boot/early-requests.js';
import { preloadFirstPage } from './boot/first-page.js';
import { firstRequests } from './boot/first-requests.js';

// The entry is this much only: the first screen's requests and page code start here, while React and the app's
// code (named in index.html, so already on their way) load and run, not once the app has rendered and asked for them.
startEarly(firstRequests(window.location.pathname, window.location.search));
preloadFirstPage(window.location.pathname);
void import('./mount.js');
