// The web chat page: sends what the user types or taps to /chat/api/message and shows the replies.
// Replies are inserted as text, never as markup; the user is known by an HttpOnly cookie the server signs.
"use strict";

(function () {
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("text");
  const sendButton = document.getElementById("send");
  const HISTORY = "hotline-chat-history";
  const PUSH_SECONDS = 15;
  let busy = false;

  function messageId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  function remember(entry) {
    const history = load();
    history.push(entry);
    try {
      sessionStorage.setItem(HISTORY, JSON.stringify(history.slice(-60)));
    } catch (error) { /* storage full or disabled: the page still works */ }
  }

  function load() {
    try {
      return JSON.parse(sessionStorage.getItem(HISTORY) || "[]");
    } catch (error) {
      return [];
    }
  }

  function retireOptions() {
    log.querySelectorAll(".options button").forEach((button) => { button.disabled = true; });
  }

  function safeUrl(url) {
    try {
      const parsed = new URL(url, window.location.href);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch (error) {
      return null;
    }
  }

  function show(entry, live) {
    const bubble = document.createElement("div");
    bubble.className = "msg " + entry.who;
    bubble.textContent = entry.text;
    if (entry.links && entry.links.length) {
      const links = document.createElement("div");
      links.className = "links";
      entry.links.forEach((link) => {
        const href = safeUrl(link.url);
        if (!href) return;
        const anchor = document.createElement("a");
        anchor.href = href;
        anchor.textContent = link.title;
        anchor.rel = "noopener noreferrer";
        anchor.target = "_blank";
        links.appendChild(anchor);
      });
      bubble.appendChild(links);
    }
    if (live && entry.options && entry.options.length) {
      const options = document.createElement("div");
      options.className = "options";
      entry.options.forEach((label) => {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = label;
        button.addEventListener("click", () => send(label));
        options.appendChild(button);
      });
      bubble.appendChild(options);
    }
    log.appendChild(bubble);
    log.scrollTop = log.scrollHeight;
  }

  function bot(reply) {
    retireOptions();
    const entry = { who: "bot", text: reply.text, options: reply.options || [], links: reply.links || [] };
    show(entry, true);
    remember(entry);
  }

  function system(text) {
    show({ who: "system", text: text }, false);
  }

  async function post(text, id) {
    const response = await fetch("/chat/api/message", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: text, message_id: id }),
    });
    if (response.status === 401) throw new Error("expired");
    if (!response.ok) throw new Error("status " + response.status);
    return response.json();
  }

  async function send(text, quiet) {
    if (busy) return;
    busy = true;
    sendButton.disabled = true;
    if (!quiet) {
      retireOptions();
      const entry = { who: "user", text: text };
      show(entry, false);
      remember(entry);
    }
    const id = messageId();
    try {
      let reply;
      try {
        reply = await post(text, id);
      } catch (error) {
        if (error.message === "expired") throw error;
        reply = await post(text, id); // one retry with the same id: the server answers it once
      }
      bot(reply);
    } catch (error) {
      system(error.message === "expired" ? "会话已失效，请刷新页面后继续。" : "网络异常，消息未能送达，请稍后重试。");
    } finally {
      busy = false;
      sendButton.disabled = false;
    }
  }

  async function poll() {
    if (document.hidden) return;
    try {
      const response = await fetch("/chat/api/pushes", { credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      (data.messages || []).forEach(bot);
    } catch (error) { /* next poll */ }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || busy) return;
    input.value = "";
    send(text);
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  const history = load();
  if (history.length) {
    history.forEach((entry, index) => show(entry, index === history.length - 1 && entry.who === "bot"));
  } else {
    send("你好", true);
  }
  window.setInterval(poll, PUSH_SECONDS * 1000);
})();
