"""sozialraum's own map script and styles (needs only Leaflet; markercluster optional).

All text from data reaches the page either escaped in Python (legend) or through
``esc()`` / ``textContent`` here; colours were validated as ``#rrggbb`` in Python.
"""

from __future__ import annotations

CSS = r"""
.sr-legend-box{background:rgba(255,255,255,.95);padding:8px 10px;border-radius:5px;
  box-shadow:0 1px 5px rgba(0,0,0,.4);font:13px/1.35 "Helvetica Neue",Arial,Helvetica,sans-serif;
  max-width:290px;max-height:70vh;overflow:auto;color:#222}
.sr-legend{margin-bottom:6px}
.sr-legend:last-child{margin-bottom:0}
.sr-legend-title{font-weight:bold;font-size:14px}
.sr-legend-sub{color:#444;margin-bottom:3px}
.sr-legend-row{display:flex;align-items:center;margin:2px 0}
.sr-sw{display:inline-block;width:18px;height:13px;margin-right:6px;border:1px solid #777;flex:none}
.sr-sw-dot{border-radius:50%;width:14px;height:14px;margin-right:8px;margin-left:2px}
.sr-legend-n{color:#666;margin-left:4px}
.leaflet-control-layers .sr-sw-dot{vertical-align:-2px;width:11px;height:11px;margin:0 3px 0 1px}
.sr-legend-src{color:#555;font-size:11px;margin-top:3px}
.sr-title{position:absolute;top:10px;left:50%;transform:translateX(-50%);z-index:1000;
  background:rgba(255,255,255,.92);padding:5px 12px;border-radius:5px;
  box-shadow:0 1px 5px rgba(0,0,0,.4);font:bold 16px "Helvetica Neue",Arial,sans-serif;
  pointer-events:none;max-width:60%;text-align:center}
.sr-search input{width:210px;padding:5px 7px;border:none;border-radius:4px;font-size:13px}
.sr-search.sr-notfound input{background:#fde0dc}
.sr-fullscreen{display:flex!important;align-items:center;justify-content:center}
.sr-tt b,.sr-pp b{font-size:13px}
.sr-pp table{border-collapse:collapse;margin-top:4px;font-size:12px}
.sr-pp td,.sr-pp th{padding:1px 6px 1px 0;text-align:left;vertical-align:top}
.sr-pp td.sr-num,.sr-pp th.sr-num{text-align:right}
.sr-pp th{color:#555;font-weight:normal;border-bottom:1px solid #ccc}
.sr-fac span{display:flex;align-items:center;justify-content:center;width:20px;height:20px;
  border-radius:50%;border:2px solid #fff;box-shadow:0 0 3px rgba(0,0,0,.6);color:#fff;
  font:bold 11px Arial,sans-serif}
.sr-label{background:none;border:none;white-space:nowrap;font:bold 12px Arial,sans-serif;color:#222;
  text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff;transform:translate(-50%,-50%)}
.leaflet-container .sr-label{width:auto!important;height:auto!important}
"""

JS = r"""
(function(){
"use strict";
function esc(s){return String(s==null?"":s).replace(/[&<>"']/g,function(c){
  return {"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;","'":"&#39;"}[c];});}
// shared borders: arcs as polyline-encoded integer steps on a grid (sozialraum.core.topology)
function polyline(s){var out=[],i=0,n=s.length;while(i<n){var r=0,sh=0,b;
  do{b=s.charCodeAt(i++)-63;r|=(b&31)<<sh;sh+=5;}while(b>=32);out.push(r&1?~(r>>>1):r>>>1);}return out;}
function decodeArcs(t){var sx=t.transform.scale[0],sy=t.transform.scale[1],
  tx=t.transform.translate[0],ty=t.transform.translate[1];
  var arcs=t.arcs.map(function(a){var v=polyline(a),x=0,y=0,pts=[];
    for(var k=0;k<v.length;k+=2){x+=v[k];y+=v[k+1];pts.push([x*sx+tx,y*sy+ty]);}return pts;});
  function ring(ids){var out=[];ids.forEach(function(i,n){var a=i<0?arcs[~i].slice().reverse():arcs[i];
    for(var k=n?1:0;k<a.length;k++){out.push(a[k]);}});return out;}
  return {type:"FeatureCollection",features:t.features.map(function(f){var g=f.geometry;
    if(g&&g.arcs){g=g.type==="Polygon"?{type:"Polygon",coordinates:g.arcs.map(ring)}:
      {type:"MultiPolygon",coordinates:g.arcs.map(function(p){return p.map(ring);})};}
    return {type:"Feature",properties:f.properties,geometry:g};})};}
window.SozialraumMap=function(map,cfg){
  if(cfg.areas&&cfg.areas.arcs){cfg.areas=decodeArcs(cfg.areas);}
  var T=cfg.text, P=cfg.areas.features;
  // marker clusters need a maximum zoom even when no tile layer sets one
  if(map.options.maxZoom===undefined){map.options.maxZoom=19;}
  function pane(name,z,events){var p=map.createPane(name);p.style.zIndex=z;
    if(!events){p.style.pointerEvents="none";}return p;}
  pane("srCatchments",430,false);pane("srRegions",440,true);pane("srBoundaries",450,false);
  pane("srLabels",460,false);
  // base maps
  var bases={}, baseList=[];
  cfg.basemaps.forEach(function(b,i){
    var l=b.url?L.tileLayer(b.url,{attribution:b.attribution,maxZoom:b.maxZoom||19}):L.layerGroup();
    bases[esc(b.name)]=l;baseList.push(l);if(i===cfg.basemapActive){l.addTo(map);}
  });
  function nameOf(f){return f.properties[cfg.nameKey];}
  function clsLabel(s,c){return c>=0?s.labels[c]:(c===-1?T.missing:(c===-3?T.notRated:T.hidden));}
  function colorOf(s,c){return c>=0?s.colors[c]:(c===-1?s.missingColor:(c===-3?s.notRatedColor:s.hiddenColor));}
  function tooltip(f,li){
    var s=cfg.layers[li],p=f.properties,c=p._c[li];
    var h='<div class="sr-tt"><b>'+esc(nameOf(f))+"</b><br>"+esc(s.title)+": ";
    if(s.field&&cfg.showValues&&(s.field in p)){h+=esc(p[s.field]);
      if(s.kind==="choro"){h+="<br>"+esc(T.cls)+": "+esc(clsLabel(s,c));}}
    else{h+=esc(clsLabel(s,c));}
    if(p["_n"+li]){h+="<br>"+esc(p["_n"+li]);}
    return h+"</div>";
  }
  function popup(f){
    var p=f.properties,h='<div class="sr-pp"><b>'+esc(nameOf(f))+"</b>";
    if(cfg.profile.length){
      h+="<table><tr><th></th><th class=\"sr-num\">"+esc(T.area)+"</th>";
      if(cfg.showValues){h+='<th class="sr-num">'+esc(T.average)+"</th>";}
      h+="</tr>";
      cfg.profile.forEach(function(r){
        var v;
        if(cfg.showValues&&(r.field in p)){v=p[r.field];}
        else if(r.layer>=0){v=clsLabel(cfg.layers[r.layer],p._c[r.layer]);}
        else{return;}
        h+="<tr><td>"+esc(r.title)+'</td><td class="sr-num">'+esc(v)+"</td>";
        if(cfg.showValues){h+='<td class="sr-num">'+esc(r.avg)+"</td>";}
        h+="</tr>";
      });
      h+="</table>";
    }
    var cats=cfg.layers.filter(function(s){return s.kind!=="choro";});
    if(cats.length){h+="<table>";cfg.layers.forEach(function(s,li){if(s.kind==="choro")return;
      h+="<tr><td>"+esc(s.title)+"</td><td>"+esc(clsLabel(s,p._c[li]))+"</td></tr>";});h+="</table>";}
    return h+"</div>";
  }
  var overlays={}, areaLayers=[], legendEls=[];
  // many areas (a national map): one canvas instead of thousands of SVG paths
  var big=P.length>cfg.canvasFrom, renderer=big?L.canvas({padding:0.5}):undefined;
  cfg.layers.forEach(function(s,li){
    // each area layer is built when first shown: a map with 20 layers opens as fast as one
    var gl=L.geoJSON(null,{renderer:renderer,smoothFactor:big?2:1,
      style:function(f){var u=f.properties["_u"+li];return {fillColor:colorOf(s,f.properties._c[li]),
        color:cfg.lineColor,weight:u?cfg.lineWeight+1.5:cfg.lineWeight,dashArray:u?"5 4":null,
        opacity:0.9,fillOpacity:cfg.fillOpacity};}});
    // one tooltip, popup and highlight for the whole layer (not one per area)
    gl.bindTooltip(function(l){return tooltip(l.feature,li);},{sticky:true,direction:"top"});
    gl.bindPopup(function(l){return popup(l.feature);},{maxWidth:380});
    gl.on("mouseover",function(e){e.layer.setStyle({weight:3,color:"#000"});});
    gl.on("mouseout",function(e){gl.resetStyle(e.layer);});
    gl.once("add",function(){gl.addData(cfg.areas);});
    gl._srArea=li;areaLayers.push(gl);overlays[esc(s.title)]=gl;
    if(s.show){gl.addTo(map);}
  });
  if(cfg.catchments){
    var cl=L.geoJSON(cfg.catchments,{pane:"srCatchments",interactive:false,
      style:function(){return {color:"#5b3a8e",weight:1.5,dashArray:"5 4",fillColor:"#8e6cc0",fillOpacity:0.08};}});
    overlays[esc(T.catchments)]=cl;if(cfg.catchmentsShow){cl.addTo(map);}
  }
  // region sets (Ämter, LEADER regions): dissolved borders, class colour, name and members
  (cfg.regionSets||[]).forEach(function(fc,ri){
    var rl=L.geoJSON(fc,{pane:"srRegions",style:function(f){return {color:"#1a1a1a",weight:3,
      opacity:0.95,fillColor:f.properties.color,fillOpacity:0.5};}});
    rl.bindTooltip(function(l){var p=l.feature.properties;
      return '<div class="sr-tt"><b>'+esc(p.name)+"</b>"+(p.cls?"<br>"+esc(T.cls)+": "+esc(p.cls):"")+
        (p.members?"<br>"+esc(T.members)+": "+esc(p.members):"")+"</div>";},{sticky:true,direction:"top"});
    overlays[esc(cfg.regionTitles[ri])]=rl;
  });
  var facLayers=[];
  if(cfg.facilities){
    var F=cfg.facilities, useCluster=F.cluster&&typeof L.markerClusterGroup==="function";
    var icons=F.cats.map(function(c){return L.divIcon({className:"sr-fac",iconSize:[24,24],iconAnchor:[12,12],
      popupAnchor:[0,-10],html:'<span style="background:'+c.color+'">'+esc(c.letter)+"</span>"});});
    var groups=F.cats.map(function(){return useCluster?L.markerClusterGroup({showCoverageOnHover:false,
      maxClusterRadius:40}):L.layerGroup();});
    F.points.forEach(function(pt){
      var m=L.marker([pt[0],pt[1]],{icon:icons[pt[2]],title:String(pt[3]==null?"":pt[3]),alt:String(pt[3]==null?"":pt[3])});
      m.bindPopup(function(){var c=F.cats[pt[2]];
        return '<div class="sr-pp"><b>'+esc(pt[3])+"</b><br>"+esc(T.category)+": "+esc(c.label)+
          (pt[4]!==null&&pt[4]!==""?"<br>"+esc(T.capacity)+": "+esc(pt[4]):"")+
          (pt[5]||[]).map(function(r){return "<br>"+esc(r[0])+": "+esc(r[1]);}).join("")+"</div>";});
      groups[pt[2]].addLayer(m);
    });
    F.cats.forEach(function(c,ci){overlays['<span class="sr-sw sr-sw-dot" style="background:'+c.color+'"></span>'+esc(c.label)]=groups[ci];facLayers.push(groups[ci]);
      if(F.show){groups[ci].addTo(map);}});
  }
  // offers by theme: one layer of small circles per theme
  var offerLayers=[];
  if(cfg.offers){
    var O=cfg.offers, oCluster=O.cluster&&typeof L.markerClusterGroup==="function";
    var ogroups=O.cats.map(function(){return oCluster?L.markerClusterGroup({showCoverageOnHover:false,
      maxClusterRadius:30}):L.layerGroup();});
    O.points.forEach(function(pt){
      var c=O.cats[pt[2]];
      var m=L.circleMarker([pt[0],pt[1]],{radius:6,color:"#fff",weight:1.5,fillColor:c.color,fillOpacity:0.95});
      m.bindTooltip(esc(pt[3]),{direction:"top"});
      m.bindPopup(function(){
        return '<div class="sr-pp"><b>'+esc(pt[3])+"</b><br>"+esc(O.themeLabel)+": "+esc(c.label)+
          (pt[4]||[]).map(function(r){return "<br>"+esc(r[0])+": "+esc(r[1]);}).join("")+"</div>";});
      ogroups[pt[2]].addLayer(m);
    });
    O.cats.forEach(function(c,ci){overlays['<span class="sr-sw sr-sw-dot" style="background:'+c.color+'"></span>'+esc(c.title)]=ogroups[ci];
      offerLayers.push(ogroups[ci]);if(O.show){ogroups[ci].addTo(map);}});
  }
  if(cfg.boundaries){
    var bl=L.geoJSON(cfg.boundaries,{pane:"srBoundaries",interactive:false,
      style:function(){return {color:"#1a1a1a",weight:2.4,opacity:0.9,fill:false};}});
    var grp=L.layerGroup([bl]);
    (cfg.boundaryLabels||[]).forEach(function(lb){
      var d=L.divIcon({className:"sr-label",html:esc(lb[2]),iconSize:null});
      grp.addLayer(L.marker([lb[0],lb[1]],{icon:d,interactive:false,keyboard:false,pane:"srLabels"}));
    });
    overlays[esc(T.boundaries)]=grp;grp.addTo(map);
  }
  // legend
  var Legend=L.Control.extend({options:{position:"bottomright"},onAdd:function(){
    var d=L.DomUtil.create("div","sr-legend-box");
    cfg.legends.forEach(function(html,li){var e=L.DomUtil.create("div","sr-legend",d);e.innerHTML=html;legendEls.push(e);});
    if(cfg.facilityLegend){var e=L.DomUtil.create("div","sr-legend",d);e.innerHTML=cfg.facilityLegend;this._fac=e;}
    if(cfg.offerLegend){var o=L.DomUtil.create("div","sr-legend",d);o.innerHTML=cfg.offerLegend;this._off=o;}
    L.DomEvent.disableScrollPropagation(d);return d;}});
  var legend=new Legend();legend.addTo(map);
  function updateLegend(){
    areaLayers.forEach(function(l,li){legendEls[li].style.display=map.hasLayer(l)?"":"none";});
    if(legend._fac){legend._fac.style.display=facLayers.some(function(l){return map.hasLayer(l);})?"":"none";}
    if(legend._off){legend._off.style.display=offerLayers.some(function(l){return map.hasLayer(l);})?"":"none";}
  }
  map.on("overlayadd",function(e){
    if(e.layer._srArea!==undefined){
      setTimeout(function(){areaLayers.forEach(function(l){if(l!==e.layer&&map.hasLayer(l)){map.removeLayer(l);}});
        updateLegend();},0);
    }
    updateLegend();
  });
  map.on("overlayremove",updateLegend);
  L.control.layers(bases,overlays,{collapsed:cfg.collapsed,position:"topright"}).addTo(map);
  L.control.scale({imperial:false,metric:true,position:"bottomleft"}).addTo(map);
  // search box
  var Search=L.Control.extend({options:{position:"topleft"},onAdd:function(){
    var d=L.DomUtil.create("div","sr-search leaflet-bar");
    var inp=L.DomUtil.create("input","",d);inp.type="search";inp.placeholder=T.search;
    inp.setAttribute("aria-label",T.search);
    var dl=L.DomUtil.create("datalist","",d);dl.id=map.getContainer().id+"-names";inp.setAttribute("list",dl.id);
    P.forEach(function(f){var o=document.createElement("option");o.value=String(nameOf(f));dl.appendChild(o);});
    var found=L.popup({maxWidth:380});
    function go(){
      var q=inp.value.trim().toLowerCase();if(!q){return;}
      var hit=null;
      P.forEach(function(f){if(hit===null&&String(nameOf(f)).toLowerCase()===q){hit=f;}});
      if(hit===null){P.forEach(function(f){if(hit===null&&String(nameOf(f)).toLowerCase().indexOf(q)>=0){hit=f;}});}
      if(hit===null){L.DomUtil.addClass(d,"sr-notfound");inp.title=T.notFound;return;}
      L.DomUtil.removeClass(d,"sr-notfound");inp.title="";
      var b=L.geoJSON(hit).getBounds();map.fitBounds(b,{maxZoom:15});
      found.setLatLng(b.getCenter()).setContent(popup(hit)).openOn(map);
    }
    inp.addEventListener("change",go);
    inp.addEventListener("keydown",function(e){if(e.key==="Enter"){go();}});
    L.DomEvent.disableClickPropagation(d);L.DomEvent.disableScrollPropagation(d);
    return d;}});
  if(cfg.search){new Search().addTo(map);}
  // fullscreen
  var FS=L.Control.extend({options:{position:"topleft"},onAdd:function(){
    var d=L.DomUtil.create("div","leaflet-bar");
    var a=L.DomUtil.create("a","sr-fullscreen",d);a.href="#";a.title=T.fullscreen;a.setAttribute("role","button");
    a.setAttribute("aria-label",T.fullscreen);
    a.innerHTML='<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path d="M1 6V1h5M10 1h5v5M15 10v5h-5M6 15H1v-5" fill="none" stroke="#333" stroke-width="2"/></svg>';
    L.DomEvent.on(a,"click",function(e){L.DomEvent.preventDefault(e);L.DomEvent.stopPropagation(e);
      var el=map.getContainer();
      if(document.fullscreenElement){document.exitFullscreen();}
      else if(el.requestFullscreen){el.requestFullscreen();}});
    document.addEventListener("fullscreenchange",function(){map.invalidateSize();});
    return d;}});
  if(cfg.fullscreen){new FS().addTo(map);}
  if(cfg.title){var tdiv=L.DomUtil.create("div","sr-title",map.getContainer());tdiv.textContent=cfg.title;}
  if(cfg.bounds){map.fitBounds(cfg.bounds);}
  updateLegend();
  map._sr={areaLayers:areaLayers,facilities:facLayers,offers:offerLayers};
  return map;
};
})();
"""
