// The SPARQL editor: Yasgui pointed at this server's endpoint, one tab per named query.
(function () {
  "use strict";
  var element = document.getElementById("yasgui");
  var endpoint = new URL(element.dataset.endpoint, window.location.href).href;
  var queries = JSON.parse(document.getElementById("named-queries").textContent);
  var selected = element.dataset.selected || (queries.length ? queries[0].name : "");

  var yasgui = new Yasgui(element, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    // Start from the named queries each time rather than from tabs kept in the browser.
    persistenceId: null,
    autoAddOnInit: false,
    populateFromUrl: false,
    // Only completions that need no outside service.
    yasqe: { autocompleters: ["prefixes", "variables"] },
  });

  queries.forEach(function (query) {
    yasgui.addTab(query.name === selected, { id: query.name, name: query.title, yasqe: { value: query.text } });
  });
  if (!queries.length) {
    yasgui.addTab(true);
  }
  window.kgEditor = yasgui;
})();
