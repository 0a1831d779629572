/** The API key lives in session storage only: it goes when the tab closes and is never written to disk by us. */
const KEY = 'platescale.apiKey';

export const getApiKey = () => sessionStorage.getItem(KEY);
export const setApiKey = (key: string) => sessionStorage.setItem(KEY, key);
export const clearApiKey = () => sessionStorage.removeItem(KEY);
