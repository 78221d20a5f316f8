// The explorer's start-up, a file of its own so that the page's CSP allows no inline script.
// The API needs a bearer token. `tools/dev up` prints this page's address with one in the
// fragment (#token=…), which never reaches the server's logs; it is kept for this tab only
// and put into the Headers pane below. Otherwise paste one there.
const fromUrl = new URLSearchParams(window.location.hash.slice(1)).get('token');
if (fromUrl) {
  sessionStorage.setItem('investigator-token', fromUrl);
  history.replaceState(null, '', window.location.pathname);
}
const token = sessionStorage.getItem('investigator-token') || '<paste a token from `investigator token create`>';
const defaultHeaders = JSON.stringify({ Authorization: 'Bearer ' + token }, null, 2);
const defaultQuery = `# Collusion investigator. Ctrl-Enter runs; the Docs pane lists every field.
# Everything served here (this page included) comes from the investigator itself.
# Requests carry the bearer token of the Headers pane (below the editor).
{
  stats { accounts shops orders reviews payments }
  account(id: "a-du") {
    id role region
    paymentsReceived(first: 5, privateOnly: true) {
      edges { node { id amount { amount currency } paidAt from { id } memo } }
    }
    linkedAccounts(first: 5) { edges { node { account { id } strength via { kind accounts } } } }
  }
}
`;
const fetcher = GraphiQL.createFetcher({ url: window.location.origin + '/graphql' });
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, {
    fetcher, defaultQuery, defaultHeaders, defaultEditorToolsVisibility: 'headers',
    shouldPersistHeaders: false,
  })
);
