// The review page: a decision per proposal card, sent to /save as JSON.
(function () {
  const items = JSON.parse(document.getElementById("items").textContent);
  const decisions = new Map();

  function select(index) {
    document.querySelectorAll(".selected").forEach((el) => el.classList.remove("selected"));
    document.querySelectorAll(`[data-proposal="${index}"], #proposal-${index}`)
      .forEach((el) => el.classList.add("selected"));
  }

  document.querySelectorAll("#text [data-proposal]").forEach((mark) => {
    mark.addEventListener("click", (event) => {
      event.stopPropagation();
      const index = mark.dataset.proposal;
      select(index);
      document.getElementById(`proposal-${index}`).scrollIntoView({ block: "nearest" });
    });
  });

  document.querySelectorAll(".card").forEach((card) => {
    const index = Number(card.dataset.index);
    card.addEventListener("click", () => select(index));
    card.querySelectorAll("button[data-action]").forEach((button) => {
      button.addEventListener("click", () => {
        const action = button.dataset.action;
        const values = {};
        card.querySelectorAll("input[name], select[name]").forEach((field) => { values[field.name] = field.value; });
        decisions.set(index, { path: items[index].path, action, values });
        card.classList.toggle("accepted", action !== "reject");
        card.classList.toggle("rejected", action === "reject");
        card.querySelector(".decision").textContent = action === "reject" ? "rejected" : "accepted";
      });
    });
  });

  document.getElementById("accept-rest").addEventListener("click", () => {
    document.querySelectorAll(".card").forEach((card) => {
      if (!decisions.has(Number(card.dataset.index))) card.querySelector("button[data-action=edit]").click();
    });
  });

  document.getElementById("save").addEventListener("click", async () => {
    const status = document.getElementById("status");
    const response = await fetch("save", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ decisions: Array.from(decisions.values()) }),
    });
    const body = await response.json();
    if (!response.ok) {
      status.textContent = `Not saved: ${body.error}`;
      return;
    }
    status.textContent = `Saved ${body.written}: ${body.unconfirmed} proposals left`;
    document.getElementById("left").textContent = body.unconfirmed;
    setTimeout(() => window.location.reload(), 1500);  // the file changed: show what is left
  });
})();
